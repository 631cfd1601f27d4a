import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processGroupMembers } from '../../src/lab/child-process-supervisor.js';
import { leftoverTempDirs, readRegistries, runAndSignal } from '../support/signal-run.js';
import { LOOPBACK, listeningSockets } from '../support/listening-sockets.js';

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
