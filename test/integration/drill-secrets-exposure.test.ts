import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processGroupMembers } from '../../src/lab/child-process-supervisor.js';
import { leftoverTempDirs, readRegistries, runAndSignal } from '../support/signal-run.js';

/**
 * A real drill through the CLI with keepPki off (the default): its private keys exist only in the
 * run's temp folder (files 0600, folders 0700), never in any output, and are gone at the end;
 * every socket any process of the run listens on is bound to loopback. The lab has every kind of
 * process a drill starts locally here: two node gateway replicas, the balancer, the OCSP responder.
 */
const DRILL = `name: secrets
description: Secrets and exposure check.
lab:
  gateway: { kind: node, replicas: 2, ocsp: { mode: soft-fail } }
  ocspResponder: { kind: builtin }
  balancer: { kind: builtin }
pki: { clients: 2 }
load: { rate: 20/s, duration: 4s, timeout: 1s }
faults:
  - { at: 1s, for: 1s, kind: ocsp-outage, mode: down }
`;

interface Seen {
  keyBodies: Set<string>;
  keyFiles: { path: string; mode: number }[];
  dirs: { path: string; mode: number }[];
  logs: Map<string, string>;
  listeners: { pid: number; address: string }[];
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** The base64 lines of every PEM private key in the run's temp folder, with modes of files and folders. */
async function captureWorkDir(tmp: string, seen: Seen): Promise<void> {
  for (const name of await leftoverTempDirs(tmp)) {
    const root = join(tmp, name);
    for (const file of await walk(root)) {
      const text = await readFile(file, 'utf8').catch(() => '');
      if (file.endsWith('.log')) seen.logs.set(file, text);
      for (const match of text.matchAll(/-----BEGIN [A-Z ]*PRIVATE KEY-----([\s\S]*?)-----END [A-Z ]*PRIVATE KEY-----/g)) {
        seen.keyFiles.push({ path: file, mode: (await stat(file)).mode & 0o777 });
        for (const line of match[1]!.split('\n').map((part) => part.trim()).filter((part) => part.length >= 40)) seen.keyBodies.add(line);
        seen.keyBodies.add(match[1]!.replace(/\s/g, ''));
        for (let folder = dirname(file); folder.startsWith(root); folder = dirname(folder)) {
          seen.dirs.push({ path: folder, mode: (await stat(folder)).mode & 0o777 });
        }
      }
    }
  }
}

/** Listening TCP sockets of `pids`: their socket inodes matched against /proc/net/tcp and tcp6. */
async function listeningSockets(pids: readonly number[]): Promise<{ pid: number; address: string }[]> {
  const listening = new Map<string, string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (await readFile(table, 'utf8')).split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue; // 0A = LISTEN
      listening.set(fields[9]!, decodeAddress(fields[1]!));
    }
  }
  const sockets: { pid: number; address: string }[] = [];
  for (const pid of pids) {
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const address = inode && listening.get(inode);
      if (address) sockets.push({ pid, address });
    }
  }
  return sockets;
}

/** `0100007F:1F90` -> `127.0.0.1:8080`; IPv6 as 32 hex digits in 4-byte little-endian words. */
function decodeAddress(hex: string): string {
  const [host, port] = hex.split(':') as [string, string];
  const portNumber = parseInt(port, 16);
  if (host.length === 8) return `${[3, 2, 1, 0].map((index) => parseInt(host.slice(index * 2, index * 2 + 2), 16)).join('.')}:${portNumber}`;
  const bytes: string[] = [];
  for (let word = 0; word < 4; word++) {
    const chunk = host.slice(word * 8, word * 8 + 8);
    for (const index of [3, 2, 1, 0]) bytes.push(chunk.slice(index * 2, index * 2 + 2));
  }
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) groups.push(`${bytes[index]}${bytes[index + 1]}`.toLowerCase());
  return `[${groups.join(':')}]:${portNumber}`;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[0000:0000:0000:0000:0000:0000:0000:0001\]|\[0000:0000:0000:0000:0000:ffff:7f00:00\d\d\]):\d+$/;

describe('secrets and exposure of a real drill', () => {
  it('keys 0600 in 0700 folders, in no output, gone at the end; every listener on loopback', async ({ onTestFinished }) => {
    const seen: Seen = { keyBodies: new Set(), keyFiles: [], dirs: [], logs: new Map(), listeners: [] };
    // The signal is a no-op (SIGCONT to a running process): the run goes to its end; the trigger
    // is the moment to look inside the running lab.
    const inspect = async (tmp: string, harnessPid: () => number | undefined) => {
      await captureWorkDir(tmp, seen);
      const pids = (await readRegistries(tmp)).flatMap((content) => content.processes.flatMap((entry) => processGroupMembers(entry.pgid)));
      const harness = harnessPid();
      seen.listeners.push(...(await listeningSockets(harness === undefined ? pids : [...pids, harness])));
    };
    const run = await runAndSignal({ drill: DRILL, onFinished: onTestFinished, trigger: { line: /fault ocsp-outage: heal/, afterMs: 200 }, signals: ['SIGCONT'], beforeSignal: inspect });
    expect(run.exitCode, run.stderr).not.toBeNull();
    expect([0, 1]).toContain(run.exitCode);

    // The PKI was there while it ran: root, intermediate, servers and clients, each key 0600, each folder 0700.
    expect(seen.keyFiles.length).toBeGreaterThanOrEqual(5);
    for (const file of seen.keyFiles) expect(file.mode.toString(8), file.path).toBe('600');
    for (const folder of seen.dirs) expect(folder.mode.toString(8), folder.path).toBe('700');
    expect(seen.logs.size).toBeGreaterThanOrEqual(3);

    // Every output: the report folder (whatever it holds), stdout, stderr, the components' logs.
    const outputs = new Map<string, string>([['stdout', run.stdout], ['stderr', run.stderr], ...seen.logs]);
    for (const file of await walk(run.reportsDir)) outputs.set(file, await readFile(file, 'utf8'));
    expect([...outputs.keys()].some((name) => name.endsWith('result.json'))).toBe(true);
    expect([...outputs.keys()].some((name) => name.endsWith('summary.md'))).toBe(true);
    for (const [name, text] of outputs) {
      expect(text, name).not.toContain('PRIVATE KEY');
      for (const body of seen.keyBodies) expect(text.includes(body), `${name} holds key material`).toBe(false);
    }

    // The keys went with the temp folder.
    expect(await leftoverTempDirs(run.tmp)).toEqual([]);

    // Gateways (2), balancer, OCSP responder: each listens, each on loopback only.
    expect(new Set(seen.listeners.map((socket) => socket.pid)).size).toBeGreaterThanOrEqual(4);
    for (const socket of seen.listeners) expect(socket.address, `pid ${socket.pid}`).toMatch(LOOPBACK);
  }, 90_000);
});
