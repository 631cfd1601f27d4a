import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { buildOcspRequest, type CertificateAuthority } from '../../pki/index.js';
import { awaitReady, SupervisedProcess } from '../child-process-supervisor.js';
import type { ComponentOptions } from '../component-options.js';
import { findExecutable } from '../find-executable.js';
import { resolveForkEntry } from '../fork-entry.js';
import { IpcClient } from '../ipc.js';
import { LabError } from '../lab-error.js';
import type { OpensslOcspHandoff, OpensslOcspMode, OpensslOcspProcessConfig } from '../processes/openssl-ocsp-config.js';
import type { OcspResponderMode } from '../processes/ocsp-responder-config.js';
import type { RunningProgram } from '../runtime.js';
import type { StartedOcspResponder } from './ocsp-responder.js';
import { OpensslIndexFile } from './openssl-ocsp-index.js';

export interface OpensslOcspResponderOptions extends ComponentOptions {
  /** The CA it answers for (the lab's intermediate): its certificates and revocations make index.txt. */
  readonly issuer: CertificateAuthority;
  readonly issuerCertificateFile: string;
  /** Mode 0600 in the run's key folder: `-rkey`, the CA signs its own answers (RFC 6960 4.2.2.2). */
  readonly issuerKeyFile: string;
  /** nextUpdate - thisUpdate of its answers, whole minutes (`-nmin`); default 1 h. */
  readonly validityMs?: number;
}

/** The ocsp-outage modes a real `openssl ocsp` can show; the others need a responder that lies on purpose. */
export const OPENSSL_OCSP_MODES = ['down', 'blackhole'] as const;

const MINUTE_MS = 60_000;
const DEFAULT_VALIDITY_MS = 3_600_000;
const READY_POLL_MS = 50;
const POKE_TIMEOUT_MS = 2_000;
const DEFAULT_READY_TIMEOUT_MS = 15_000;

/** -nmin for a validity: whole minutes, at least one (the scenario schema refuses anything else for kind openssl). */
export function opensslValidityMinutes(validityMs: number = DEFAULT_VALIDITY_MS): number {
  return Math.max(1, Math.ceil(validityMs / MINUTE_MS));
}

/** The openssl binary in PATH, else /usr/bin/openssl. */
export function findOpenssl(searchPath: string = process.env.PATH ?? ''): string {
  const found = findExecutable('openssl', searchPath, ['/usr/bin/openssl']);
  if (found) return found;
  throw new LabError('E_LAB_OPENSSL_MISSING', 'lab.ocspResponder kind "openssl" needs the openssl command, and none was found in PATH or /usr/bin/openssl', {
    path: ['lab', 'ocspResponder', 'kind'],
    hint: 'install it (Debian/Ubuntu: `apt-get install openssl`), run with --runtime docker, or use ocspResponder: { kind: builtin }',
  });
}

/**
 * What the local runtime needs to confine `openssl ocsp` to a network namespace of its own
 * (OpenSSL 3.0's -port binds every interface): unshare(1), ip(8), and root or unprivileged user
 * namespaces. Throws a LabError naming what is missing; returns the unshare arguments.
 */
export function assertLocalOpensslOcspPossible(searchPath: string = process.env.PATH ?? ''): { unshare: string; args: string[] } {
  findOpenssl(searchPath);
  const unshare = findExecutable('unshare', searchPath, ['/usr/bin/unshare']);
  const ip = findExecutable('ip', searchPath, ['/usr/sbin/ip', '/sbin/ip', '/bin/ip']);
  if (!unshare || !ip) {
    throw new LabError('E_LAB_OPENSSL_OCSP_NETNS', `lab.ocspResponder kind "openssl" on the local runtime needs ${!unshare ? 'unshare (util-linux)' : 'ip (iproute2)'}, and none was found`, {
      path: ['lab', 'ocspResponder', 'kind'],
      hint:
        '`openssl ocsp -port` binds every interface (OpenSSL 3.0 takes a port number only), so the local runtime runs it in a network namespace of its own, reached through 127.0.0.1; ' +
        'install util-linux and iproute2 (`apt-get install util-linux iproute2`), run with --runtime docker, or use ocspResponder: { kind: builtin }',
    });
  }
  // As root a plain network namespace; otherwise in a user namespace of its own, where this user is root.
  const args = process.getuid?.() === 0 ? ['--net'] : ['--user', '--map-root-user', '--net'];
  return { unshare, args };
}

/** The `openssl ocsp` arguments both runtimes share; -port comes from the runtime. */
function opensslOcspArgs(indexFile: string, options: OpensslOcspResponderOptions): string[] {
  return [
    'ocsp',
    '-index', indexFile,
    '-CA', options.issuerCertificateFile,
    '-rsigner', options.issuerCertificateFile,
    '-rkey', options.issuerKeyFile,
    '-nmin', String(opensslValidityMinutes(options.validityMs)),
    // A bad request must not end the responder. No -timeout: in OpenSSL 3.0 it only bounds the
    // request line and headers (apps/lib/http_server.c clears the alarm before the body), and a
    // connection that ends before its request line returns with the SIGALRM still armed, to hit
    // whatever connection is open when it fires (read in the source, not measured).
    '-ignore_err',
  ];
}

/** One OCSP request; resolves with the HTTP status. */
async function askOnce(url: string, request: Buffer, signal: AbortSignal): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: request, signal });
  await response.arrayBuffer();
  return response.status;
}

/** Resolves once the responder at `url` answers an OCSP request with HTTP 200. */
async function waitForOcspAnswer(url: string, request: Buffer, signal: AbortSignal): Promise<void> {
  for (;;) {
    signal.throwIfAborted();
    try {
      if ((await askOnce(url, request, AbortSignal.any([signal, AbortSignal.timeout(2_000)]))) === 200) return;
    } catch {
      // not yet
    }
    await delay(READY_POLL_MS, undefined, { signal });
  }
}

function readinessRequest(options: OpensslOcspResponderOptions): Buffer {
  const [certificate] = options.issuer.issuedCertificates();
  if (!certificate) throw new RangeError(`${options.name}: the issuer has issued nothing to ask about`);
  return buildOcspRequest(certificate, options.issuer.certificate, { nonce: false });
}

function unsupportedMode(name: string, mode: OcspResponderMode): LabError {
  return new LabError('E_LAB_OCSP_MODE', `${name}: openssl ocsp cannot be made to answer "${mode.kind}"`, {
    hint: `with lab.ocspResponder kind "openssl" the ocsp-outage modes are ${OPENSSL_OCSP_MODES.join(', ')}; use kind builtin for the others`,
  });
}

function toOpensslMode(name: string, mode: OcspResponderMode): OpensslOcspMode {
  // Refused at validation already (ocsp-outage requires); this guards direct callers.
  if (mode.kind === 'normal' || mode.kind === 'down' || mode.kind === 'blackhole') return mode.kind;
  throw unsupportedMode(name, mode);
}

/**
 * Starts `openssl ocsp` answering from an index.txt made of the lab CA's certificates: locally
 * in a network namespace of its own behind a relay on 127.0.0.1 (processes/openssl-ocsp-process.ts),
 * in docker as the mtls-chaos/openssl-ocsp image's program. Revocations rewrite index.txt.
 */
export async function startOpensslOcspResponder(options: OpensslOcspResponderOptions): Promise<StartedOcspResponder> {
  const dir = join(options.dir, options.name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const index = new OpensslIndexFile(dir, options.issuer);
  await index.init();
  const args = opensslOcspArgs(index.path, options);
  const request = readinessRequest(options);
  const responder = options.runtime?.startProgram ? await startInContainer(options, dir, args, request) : await startLocally(options, args, request);
  let mode: OpensslOcspMode = 'normal';
  /**
   * openssl ocsp looks at index.txt before it waits for a connection, not when one arrives: a
   * change made while it waits would be missed by the next request and seen by the one after.
   * One throwaway request makes it go round once, so the next real request sees the change.
   */
  const poke = async () => {
    if (mode !== 'normal') return; // it re-reads on its way back to normal
    await askOnce(responder.url, request, AbortSignal.any([options.signal, AbortSignal.timeout(POKE_TIMEOUT_MS)])).catch(() => {});
  };
  return {
    name: options.name,
    url: responder.url,
    labUrl: responder.labUrl,
    pids: () => responder.pids(),
    revoke: async (serialNumber, reason = 'unspecified', revokedAt = new Date()) => {
      await index.revoke(serialNumber, reason, revokedAt);
      await poke();
    },
    unrevoke: async (serialNumber) => {
      await index.unrevoke(serialNumber);
      await poke();
    },
    registerIssued: async (serialNumbers) => {
      await index.register(serialNumbers);
      await poke();
    },
    setMode: async (next) => {
      const opensslMode = toOpensslMode(options.name, next);
      await responder.setMode(opensslMode);
      mode = opensslMode;
      await poke();
    },
    stop: async () => {
      // A frozen process takes no SIGTERM: thaw it, so that it stops at once rather than at the SIGKILL.
      if (mode === 'blackhole') await responder.setMode('normal').catch(() => {});
      await responder.stop();
    },
  };
}

interface OpensslResponderProcess {
  readonly url: string;
  readonly labUrl: string;
  pids(): number[];
  setMode(mode: OpensslOcspMode): Promise<void>;
  stop(): Promise<void>;
}

async function listenOnLoopback(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Hands a listening socket to the child and closes the parent's copy: the child is then the only one accepting. */
async function handOver(child: ChildProcess, server: Server): Promise<void> {
  const listening = new Promise<void>((resolve) => {
    const onMessage = (message: OpensslOcspHandoff) => {
      if (message?.kind !== 'listening') return;
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
  });
  // A connection accepted here in the instant before the close would be left hanging: refuse it.
  server.on('connection', (socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => child.send({ kind: 'listen' } satisfies OpensslOcspHandoff, server, (error) => (error ? reject(error) : resolve())));
  } finally {
    server.close();
  }
  await listening;
}

async function startLocally(options: OpensslOcspResponderOptions, args: string[], request: Buffer): Promise<OpensslResponderProcess> {
  const { unshare, args: unshareArgs } = assertLocalOpensslOcspPossible();
  const configFile = join(options.dir, `${options.name}.json`);
  const config: OpensslOcspProcessConfig = { name: options.name, openssl: findOpenssl(), args };
  await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
  const entry = resolveForkEntry(import.meta.url, '../processes/openssl-ocsp-process.ts');
  const proc = await SupervisedProcess.start({
    name: options.name,
    launch: {
      kind: 'fork',
      modulePath: entry.modulePath,
      execPath: unshare,
      execArgv: [...unshareArgs, '--', process.execPath, ...entry.execArgv],
      args: [configFile],
    },
    logDir: options.dir,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  const ipc = new IpcClient(proc.child, options.name);
  let port: number;
  try {
    const server = await listenOnLoopback(0);
    port = (server.address() as { port: number }).port;
    const ready = ipc.ready();
    // A handoff that fails means the child is gone: awaitReady then reports its exit and its log.
    const handedOver = handOver(proc.child, server).catch(() => new Promise<never>(() => {}));
    await awaitReady(proc, handedOver, {
      timeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      signal: options.signal,
      what: `ocsp/openssl in its own network namespace, relayed from 127.0.0.1:${port}`,
    });
    await ready;
    // Ready means answering OCSP, as in docker: the relay is up and openssl has loaded its index.
    await waitForOcspAnswer(`http://127.0.0.1:${port}/`, request, AbortSignal.any([options.signal, AbortSignal.timeout(options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS)]));
  } catch (error) {
    await proc.stop();
    // unshare(1) says "unshare failed: Operation not permitted" without root or user namespaces.
    if (/unshare failed|cannot bring up the loopback|could not bring up the loopback/i.test((error as Error).message)) {
      throw new LabError('E_LAB_OPENSSL_OCSP_NETNS', `${options.name}: could not make a network namespace for openssl ocsp: ${(error as Error).message}`, {
        path: ['lab', 'ocspResponder', 'kind'],
        hint:
          '`openssl ocsp -port` binds every interface, so the local runtime confines it to a network namespace of its own; that needs root or ' +
          'unprivileged user namespaces (Debian: sysctl kernel.unprivileged_userns_clone=1); or run with --runtime docker, or use ocspResponder: { kind: builtin }',
        cause: error,
      });
    }
    throw error;
  }
  let down = false;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    labUrl: url,
    pids: () => proc.groupPids(),
    setMode: async (mode) => {
      if (mode === 'down') {
        down = true;
        await ipc.request('setMode', 'down');
        return;
      }
      if (down) {
        // Back on the same port: the gateway is configured with this URL.
        await handOver(proc.child, await listenOnLoopback(port));
        down = false;
      }
      await ipc.request('setMode', mode);
    },
    stop: () => proc.stop(),
  };
}

/**
 * The container's program: a shell that (re)starts openssl unless a `down` flag file exists, so
 * that `down` stops the responder for real (connections refused) and heal starts it again, in the
 * same container, on the same name and port. `blackhole` freezes openssl with SIGSTOP.
 */
const CONTAINER_SCRIPT = [
  'trap \'kill "$child" 2>/dev/null; exit 0\' TERM INT',
  'while :; do',
  '  if [ -e "$0" ]; then sleep 0.05; continue; fi',
  '  "$@" & child=$!',
  '  wait "$child"',
  '  sleep 0.05',
  'done',
].join('\n');

async function startInContainer(options: OpensslOcspResponderOptions, dir: string, args: string[], request: Buffer): Promise<OpensslResponderProcess> {
  const runtime = options.runtime!;
  const downFlag = join(dir, 'down');
  await rm(downFlag, { force: true });
  const program: RunningProgram = await runtime.startProgram!(
    {
      name: options.name,
      image: 'openssl-ocsp',
      command: ['sh', '-c', CONTAINER_SCRIPT, downFlag, 'openssl', ...args, '-port', String(runtime.bind.port)],
      dir: options.dir,
      what: `ocsp/openssl in a container, port ${runtime.bind.port} published on 127.0.0.1`,
      ready: (hostPort, signal) => waitForOcspAnswer(`http://127.0.0.1:${hostPort}/`, request, signal),
      ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    },
    options.signal,
  );
  const url = `http://127.0.0.1:${program.port}/`;
  /** openssl's host pid: the shell's child of that name (a container's processes are host processes). */
  const opensslPids = () => program.groupPids().filter((pid) => pid !== program.pid && commandOf(pid) === 'openssl');
  const signalOpenssl = (signal: NodeJS.Signals) => {
    for (const pid of opensslPids()) {
      try {
        process.kill(pid, signal);
      } catch {
        // gone already
      }
    }
  };
  /** Signals openssl and waits until it has gone (the shell starts a new one unless `down` is flagged). */
  const endOpenssl = async (signal: NodeJS.Signals) => {
    const pids = opensslPids();
    signalOpenssl(signal);
    for (let waited = 0; pids.some((pid) => commandOf(pid) === 'openssl') && waited < 5_000; waited += 20) await delay(20);
  };
  let mode: OpensslOcspMode = 'normal';
  return {
    url,
    labUrl: `http://${program.address.host}:${program.address.port}/`,
    pids: () => program.groupPids(),
    setMode: async (next) => {
      if (next === mode) return;
      // A frozen openssl is replaced, not thawed: behind docker-proxy, the connections clients gave
      // up on meanwhile stay open, and the thawed single-threaded responder waits on one of them
      // for a request body that never comes (measured: no answer after SIGCONT, in docker only).
      if (mode === 'blackhole') await endOpenssl('SIGKILL');
      if (next === 'down') {
        await writeFile(downFlag, '');
        // Down means not listening: openssl gone, and the shell keeps it gone while the flag exists.
        await endOpenssl('SIGTERM');
      } else {
        await rm(downFlag, { force: true });
        if (mode !== 'normal') await waitForOcspAnswer(url, request, AbortSignal.any([options.signal, AbortSignal.timeout(DEFAULT_READY_TIMEOUT_MS)]));
        if (next === 'blackhole') signalOpenssl('SIGSTOP');
      }
      mode = next;
    },
    stop: () => program.stop(),
  };
}

function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
