import { readSync, closeSync, fstatSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findExecutable } from '../find-executable.js';
import { setTimeout as delay } from 'node:timers/promises';
import type { CpuUsageReading } from '../../metrics/index.js';
import type { SupervisedProcess } from '../child-process-supervisor.js';
import { spawnTlsServer } from '../spawn-tls-server.js';
import { pickFreePortOtherThan, startOnFreePort } from '../free-port.js';
import type { GatewayOptions, GatewayReloadFiles, GatewayTlsPolicy, StartedGateway } from '../gateway.js';
import { LabError } from '../lab-error.js';
import { shellQuote } from '../shell-quote.js';
import { waitForTlsHandshake } from '../wait-for-tls.js';
import type { FilledGatewayConfig } from '../own-config/gateway-config-template.js';
import { assertHaproxyAcceptsOwnConfig } from './haproxy-config-check.js';
import { assertHaproxySupports, assertHaproxySupportsTlsPolicy, haproxyConfig, type HaproxyConfigInput, type HaproxyRejectMode } from './haproxy-config.js';
import { assertHaproxyOwnConfigReloads, assertHaproxyOwnConfigUsable, fillHaproxyOwnConfig } from './haproxy-own-config.js';

/** `dir` holds haproxy's own folder, <dir>/haproxy: config, PEM files, pid file, master CLI socket. */
export interface HaproxyGatewayOptions extends GatewayOptions {
  /** How client certificates are refused (haproxy-config.ts); default http (495 + reason header). */
  readonly rejectWith?: HaproxyRejectMode;
  readonly threads?: number;
  /** Defaults to the haproxy found in PATH or /usr/sbin/haproxy. */
  readonly haproxyBinary?: string;
}

const RELOAD_TIMEOUT_MS = 10_000;
const OLD_WORKER_DRAIN_MS = 3_000;
/** sun_path holds 108 bytes; a deeper work directory goes without the master CLI socket. */
const MAX_SOCKET_PATH = 100;
const MASTER_CLI_TIMEOUT_MS = 5_000;
const MASTER_SETTLE_MS = 1_000;
/** The echo upstream of an own sections-only config in a container: its own loopback, any port but the gateway's. */
const ECHO_PORT_IN_CONTAINER = 18_080;

/** The haproxy binary in PATH, else /usr/sbin/haproxy (Debian puts it there, outside a user's PATH). */
export function findHaproxy(searchPath: string = process.env.PATH ?? '', fallbacks: readonly string[] = ['/usr/sbin/haproxy']): string {
  const found = findExecutable('haproxy', searchPath, fallbacks);
  if (found) return found;
  throw new LabError('E_LAB_HAPROXY_MISSING', 'the haproxy gateway needs haproxy, and none was found in PATH or /usr/sbin/haproxy', {
    hint: 'install it (Debian/Ubuntu: `apt-get install haproxy`, 2.2 or later), or use the node gateway (lab.gateway.kind: node)',
  });
}

/**
 * Starts the local haproxy binary in master-worker mode (-W) in the foreground, as a supervised
 * child in its own process group, with its own config, PEM copies, pid file and master CLI socket
 * under <dir>/haproxy, so it shares nothing with a system haproxy.
 *
 * With options.ownConfig, the team's config (haproxy-own-config.ts) filled in, checked with
 * `haproxy -c` before anything starts (E_LAB_CONFIG quoting haproxy at the user's file:line), and
 * run the same way; how it refuses clients is its own (no x-mtls-chaos-reason unless it sets one).
 */
export async function startHaproxyGateway(options: HaproxyGatewayOptions): Promise<StartedGateway> {
  assertHaproxySupports(options);
  const own = options.ownConfig;
  const ownFacts = own ? assertHaproxyOwnConfigUsable(own) : undefined;
  if (own && options.rejectWith) {
    throw new LabError('E_LAB_CONFIG', `${own.file}: lab.gateway.rejectWith does not apply to your own config: its bind lines' verify decides how clients are refused`, {
      file: own.file,
      path: ['lab', 'gateway', 'rejectWith'],
      hint: 'drop rejectWith, or drop lab.gateway.config to run the generated config',
    });
  }
  const runtime = options.runtime;
  const inContainer = runtime?.startProgram !== undefined;
  const binary = inContainer ? 'haproxy' : (options.haproxyBinary ?? findHaproxy());
  const home = join(options.dir, 'haproxy');
  await mkdir(home, { recursive: true, mode: 0o700 });
  // Copies, so that a reload rewrites the gateway's files and never the lab PKI's. haproxy's `crt`
  // takes the chain and the key in one file, so it is 0600 as a whole.
  const pem = {
    chain: await readFile(options.files.certificateChain, 'utf8'),
    key: await readFile(options.files.key, 'utf8'),
    trustBundle: await readFile(options.files.trustBundle, 'utf8'),
    crl: options.files.crl ? await readFile(options.files.crl, 'utf8') : undefined,
  };
  const files = new HaproxyFiles(home, pem);
  files.write();
  const masterSocket = join(home, 'master.sock');
  const withMasterSocket = Buffer.byteLength(masterSocket) <= MAX_SOCKET_PATH;
  const pidFile = join(home, 'haproxy.pid');
  const configFor = (port: number, tlsPolicy?: GatewayTlsPolicy): HaproxyConfigInput => ({
    port,
    replicaName: options.name,
    certificateFile: files.certificate,
    trustBundleFile: files.trustBundle,
    ...(files.hasCrl() ? { crlFile: files.crl } : {}),
    ...(options.rejectWith ? { rejectWith: options.rejectWith } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
    ...(tlsPolicy ? { tlsPolicy } : {}),
    pidFile,
    // In a container: its own network namespace, published on the host's 127.0.0.1 only.
    ...(inContainer ? { bindAddress: '0.0.0.0' } : {}),
  });
  const configFile = join(home, 'haproxy.cfg');
  // -W: a master that re-reads the config on SIGUSR2 and replaces its worker; -db keeps it in the
  // foreground even if an own config says `daemon`, so the supervisor (or the container) holds it.
  const haproxyArgs = ['-W', '-db', '-f', configFile, ...(withMasterSocket ? ['-S', `${masterSocket},mode,600`] : [])];
  /**
   * Writes haproxy.cfg for this port (and the own config's echo upstream port), checking an own
   * config with haproxy first; gives how to render it again on a reload.
   */
  const writeConfig = async (port: number, echoPort: number): Promise<(policy: GatewayTlsPolicy | undefined) => string> => {
    if (!own) {
      const render = (policy: GatewayTlsPolicy | undefined) => haproxyConfig(configFor(port, policy));
      await writeFile(configFile, render(undefined), { mode: 0o600 });
      return render;
    }
    const filled: FilledGatewayConfig = fillHaproxyOwnConfig(own, {
      listenAddress: inContainer ? '0.0.0.0' : '127.0.0.1',
      port,
      echoPort,
      replicaName: options.name,
      files: {
        serverPem: files.certificate,
        serverCertificate: files.chain,
        serverKey: files.key,
        clientCa: files.trustBundle,
        ...(files.hasCrl() ? { crl: files.crl } : {}),
      },
      ...(options.ocspResponderUrl ? { ocspResponderUrl: options.ocspResponderUrl } : {}),
      prefix: home,
      pidFile,
      ...(options.threads ? { threads: options.threads } : {}),
    });
    await writeFile(configFile, filled.text, { mode: 0o600 });
    await assertHaproxyAcceptsOwnConfig(
      { configFile, binary, ...(runtime ? { runtime } : {}), name: options.name, dir: options.dir, signal: options.signal },
      own,
      filled,
    );
    // The TLS policy of an own config is its own: reloads with one are refused before this.
    return () => filled.text;
  };
  const refuseReload =
    own && ownFacts
      ? (reload: GatewayReloadFiles) => assertHaproxyOwnConfigReloads(own, ownFacts, reload)
      : (reload: GatewayReloadFiles) => assertHaproxySupportsTlsPolicy(reload.tlsPolicy);

  if (runtime?.startProgram) {
    const port = runtime.bind.port;
    const renderConfig = await writeConfig(port, port === ECHO_PORT_IN_CONTAINER ? ECHO_PORT_IN_CONTAINER + 1 : ECHO_PORT_IN_CONTAINER);
    // The master's output in a file of the run folder (mounted at the same path), as locally:
    // reloads are judged by its "Loading success." / "Loading failure!" lines.
    const logFile = join(options.dir, `${options.name}.log`);
    const program = await runtime.startProgram(
      {
        name: options.name,
        image: 'haproxy',
        command: ['/bin/sh', '-c', `exec ${[binary, ...haproxyArgs].map(shellQuote).join(' ')} >>${shellQuote(logFile)} 2>&1`],
        dir: options.dir,
        what: `gateway/haproxy in a container, port ${port} published on 127.0.0.1`,
        ready: (hostPort, signal) => waitForTlsHandshake(hostPort, signal),
        ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
      },
      options.signal,
    );
    const gateway = new StartedHaproxyGateway(
      options.name,
      program.port,
      options.caPem,
      {
        pid: program.pid,
        logFile,
        get running() {
          return program.running;
        },
        groupPids: () => program.groupPids(),
        stop: () => program.stop(),
      },
      configFile,
      files,
      renderConfig,
      refuseReload,
      withMasterSocket ? masterSocket : undefined,
    );
    if (program.cpuUsage) gateway.cpuUsage = () => program.cpuUsage?.();
    return gateway;
  }

  return startOnFreePort(
    async (port) => {
      // Another free port for an own config's echo upstream; "cannot bind" on it also retries.
      const renderConfig = await writeConfig(port, own && !ownFacts?.wholeFile ? await pickFreePortOtherThan(port) : 0);
      const proc = await spawnTlsServer({
        name: options.name,
        command: binary,
        args: haproxyArgs,
        logDir: options.dir,
        port,
        what: `gateway/haproxy on 127.0.0.1:${port}`,
        signal: options.signal,
        ...(options.registry ? { registry: options.registry } : {}),
        ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
      });
      return new StartedHaproxyGateway(
        options.name,
        port,
        options.caPem,
        proc,
        configFile,
        files,
        renderConfig,
        refuseReload,
        withMasterSocket ? masterSocket : undefined,
      );
    },
    { signal: options.signal, lostThePort: () => haproxyLostItsPort(join(options.dir, `${options.name}.log`)) },
  );
}

/** The gateway's copies of its PEM files, and what was last written to them (to roll back). */
class HaproxyFiles {
  /** Chain and key in one 0600 file (haproxy `crt`; {{server_pem}}). */
  readonly certificate: string;
  /** The chain alone and the key alone ({{server_certificate}}, {{server_key}} of an own config). */
  readonly chain: string;
  readonly key: string;
  readonly trustBundle: string;
  readonly crl: string;

  constructor(
    home: string,
    private pem: { chain: string; key: string; trustBundle: string; crl: string | undefined },
  ) {
    this.certificate = join(home, 'server.pem');
    // haproxy finds the key of a `crt` without one in <crt>.key (ssl-load-extra-files), so
    // `crt {{server_certificate}}` works too.
    this.chain = join(home, 'server.crt');
    this.key = join(home, 'server.crt.key');
    this.trustBundle = join(home, 'trust-bundle.pem');
    this.crl = join(home, 'crl.pem');
  }

  hasCrl(): boolean {
    return this.pem.crl !== undefined;
  }

  snapshot(): typeof this.pem {
    return { ...this.pem };
  }

  update(files: GatewayReloadFiles): void {
    this.pem = {
      chain: files.certificateChainPem ?? this.pem.chain,
      key: files.keyPem ?? this.pem.key,
      trustBundle: files.trustBundlePem ?? this.pem.trustBundle,
      crl: files.crlPem ?? this.pem.crl,
    };
  }

  restore(previous: typeof this.pem): void {
    this.pem = previous;
  }

  /**
   * Synchronous on purpose: a few KB, and under load each async fs call waits its turn in libuv's
   * thread pool (measured: a second and more for four files on a busy 2-core machine), which
   * would delay the reload the drill is timing.
   */
  write(): void {
    const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
    rmSync(this.certificate, { force: true });
    writeFileSync(this.certificate, withNewline(this.pem.chain) + withNewline(this.pem.key), { mode: 0o600 });
    writeFileSync(this.chain, withNewline(this.pem.chain));
    rmSync(this.key, { force: true });
    writeFileSync(this.key, withNewline(this.pem.key), { mode: 0o600 });
    writeFileSync(this.trustBundle, this.pem.trustBundle);
    if (this.pem.crl !== undefined) writeFileSync(this.crl, this.pem.crl);
  }
}

/** What the master CLI answers `command`, or undefined when it does not (within 2 s). */
function masterCommand(socketPath: string, command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, 2_000);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.once('error', () => {});
  });
}

/** The lines `path` holds from byte `offset` on (the master's log, for reload verdicts); sync, as write(). */
function linesSince(path: string, offset: number): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return [];
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.toString('utf8').split('\n').filter(Boolean);
  } finally {
    closeSync(fd);
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

class StartedHaproxyGateway implements StartedGateway {
  readonly kind = 'haproxy';
  readonly host = '127.0.0.1';
  readonly servername = 'localhost';
  private reloading: Promise<void> = Promise.resolve();
  cpuUsage?: () => CpuUsageReading | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly caPem: string,
    /** The master: a supervised child, or a container's main process (a host process all the same). */
    private readonly proc: Pick<SupervisedProcess, 'pid' | 'running' | 'groupPids' | 'stop' | 'logFile'>,
    readonly configFile: string,
    private readonly files: HaproxyFiles,
    /** haproxy.cfg for this port and the current files, with this TLS policy. */
    private readonly renderConfig: (policy: GatewayTlsPolicy | undefined) => string,
    /** Throws for a reload this config cannot take (a TLS policy haproxy cannot express, a file an own config never reads). */
    private readonly refuseReload: (files: GatewayReloadFiles) => void,
    /** The master CLI socket (-S), when the path fits in sun_path. */
    private readonly masterSocket: string | undefined,
  ) {}

  private tlsPolicy: GatewayTlsPolicy | undefined;
  private lastReloadAt = 0;

  /** Master and workers (one process group). */
  pids(): number[] {
    return this.proc.groupPids();
  }

  get masterPid(): number {
    return this.proc.pid;
  }

  /** One reload at a time: a second SIGUSR2 while the master re-executes would be lost. */
  reload(files: GatewayReloadFiles = {}): Promise<void> {
    const next = this.reloading.catch(() => {}).then(() => this.reloadNow(files));
    this.reloading = next;
    return next;
  }

  /**
   * Rewrites the files and asks the master to reload (master CLI `reload`, as SIGUSR2): it re-executes itself, re-reads the config and
   * every PEM file, and logs "Loading success." (a new worker forked; once it is ready the old
   * one is soft-stopped and finishes its connections, at most hard-stop-after) or "Loading
   * failure!" (it keeps the old worker, which goes on serving the previous files). A refused
   * reload rolls the files back, so the next reload starts from what runs, and throws with
   * haproxy's own complaint. Resolves once the old worker is gone, or after OLD_WORKER_DRAIN_MS.
   * (`haproxy -c` first would say the same, but costs a whole parse more: seconds on a busy machine.)
   */
  private async reloadNow(files: GatewayReloadFiles): Promise<void> {
    if (!this.proc.running) throw new LabError('E_LAB_STOPPED', `${this.name} is not running`);
    this.refuseReload(files);
    const previous = { pem: this.files.snapshot(), tlsPolicy: this.tlsPolicy };
    this.files.update(files);
    if (files.tlsPolicy) this.tlsPolicy = files.tlsPolicy;
    this.files.write();
    writeFileSync(this.configFile, this.renderConfig(this.tlsPolicy), { mode: 0o600 });

    const master = this.proc.pid;
    const oldWorkers = new Set(this.pids().filter((pid) => pid !== master));
    const logOffset = sizeOf(this.proc.logFile);
    await this.settleMaster();
    this.lastReloadAt = Date.now();
    process.kill(master, 'SIGUSR2');
    const deadline = Date.now() + RELOAD_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.proc.running) {
        throw new LabError('E_LAB_RELOAD', `${this.name}: the haproxy master exited during the reload`, { file: this.proc.logFile, hint: `see ${this.proc.logFile}` });
      }
      const lines = linesSince(this.proc.logFile, logOffset);
      if (lines.some((line) => line.includes('Loading failure!'))) {
        this.files.restore(previous.pem);
        this.tlsPolicy = previous.tlsPolicy;
        this.files.write();
        writeFileSync(this.configFile, this.renderConfig(this.tlsPolicy), { mode: 0o600 });
        const alerts = lines.filter((line) => line.includes('[ALERT]')).slice(0, 3);
        throw new LabError('E_LAB_RELOAD', `${this.name}: haproxy refused the reload: ${alerts.join(' / ') || 'Loading failure!'}`, {
          file: this.configFile,
          hint: 'the running worker keeps serving the previous files (restored on disk); check the new certificate, key, bundle and CRL',
        });
      }
      if (lines.some((line) => line.includes('Loading success.'))) {
        // The master soft-stops the old worker once the new one says it is ready; until then
        // both accept (SO_REUSEPORT) and a new connection can still meet the old files.
        const drainDeadline = Math.min(deadline, Date.now() + OLD_WORKER_DRAIN_MS);
        while (this.pids().some((pid) => oldWorkers.has(pid)) && Date.now() < drainDeadline) await delay(25);
        return;
      }
      await delay(25);
    }
    throw new LabError('E_LAB_RELOAD', `${this.name}: haproxy said neither "Loading success." nor "Loading failure!" within ${RELOAD_TIMEOUT_MS} ms of SIGUSR2`, {
      file: this.proc.logFile,
      hint: `see ${this.proc.logFile}`,
    });
  }

  /**
   * Waits until the master can take a reload. After each reload it re-executes itself (into wait
   * mode after a refused one), and a SIGUSR2 that arrives before it is back in its loop is lost
   * (measured with 2.6, also right after "Loading success.": no reload, no log line). A master
   * that answers `show proc` on its CLI is in its loop. Without the socket, a fixed pause after
   * a reload.
   */
  private async settleMaster(): Promise<void> {
    if (!this.masterSocket) {
      await delay(Math.max(0, this.lastReloadAt + MASTER_SETTLE_MS - Date.now()));
      return;
    }
    const deadline = Date.now() + MASTER_CLI_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if ((await masterCommand(this.masterSocket, 'show proc'))?.includes('master')) return;
      await delay(50);
    }
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}

/** Whether haproxy's log says its port was taken between our pick and its bind. */
export async function haproxyLostItsPort(logFile: string): Promise<boolean> {
  const log = await readFile(logFile, 'utf8').catch(() => '');
  return /cannot bind socket|Address already in use/.test(log);
}
