import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { awaitReady, SupervisedProcess } from '../child-process-supervisor.js';
import { pickFreePort } from '../free-port.js';
import type { GatewayOptions, GatewayReloadFiles, GatewayTlsPolicy, StartedGateway } from '../gateway.js';
import { LabError } from '../lab-error.js';
import { waitForTlsHandshake } from '../wait-for-tls.js';
import { assertHaproxySupports, assertHaproxySupportsTlsPolicy, haproxyConfig, type HaproxyConfigInput, type HaproxyRejectMode } from './haproxy-config.js';

/** `dir` holds haproxy's own folder, <dir>/haproxy: config, PEM files, pid file, master CLI socket. */
export interface HaproxyGatewayOptions extends GatewayOptions {
  /** How client certificates are refused (haproxy-config.ts); default http (495 + reason header). */
  readonly rejectWith?: HaproxyRejectMode;
  readonly threads?: number;
  /** Defaults to the haproxy found in PATH or /usr/sbin/haproxy. */
  readonly haproxyBinary?: string;
}

const PORT_ATTEMPTS = 3;
const RELOAD_TIMEOUT_MS = 10_000;
const OLD_WORKER_DRAIN_MS = 3_000;
/** sun_path holds 108 bytes; a deeper work directory goes without the master CLI socket. */
const MAX_SOCKET_PATH = 100;
const run = promisify(execFile);

/** The haproxy binary in PATH, else /usr/sbin/haproxy (Debian puts it there, outside a user's PATH). */
export function findHaproxy(searchPath: string = process.env.PATH ?? '', fallbacks: readonly string[] = ['/usr/sbin/haproxy']): string {
  const candidates = [...searchPath.split(delimiter).filter(Boolean).map((dir) => join(dir, 'haproxy')), ...fallbacks];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new LabError('E_LAB_HAPROXY_MISSING', 'the haproxy gateway needs haproxy, and none was found in PATH or /usr/sbin/haproxy', {
    hint: 'install it (Debian/Ubuntu: `apt-get install haproxy`, 2.2 or later), or use the node gateway (lab.gateway.kind: node)',
  });
}

/**
 * Starts the local haproxy binary in master-worker mode (-W) in the foreground, as a supervised
 * child in its own process group, with its own config, PEM copies, pid file and master CLI socket
 * under <dir>/haproxy, so it shares nothing with a system haproxy.
 */
export async function startHaproxyGateway(options: HaproxyGatewayOptions): Promise<StartedGateway> {
  assertHaproxySupports(options);
  const binary = options.haproxyBinary ?? findHaproxy();
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
  await files.write();
  const masterSocket = join(home, 'master.sock');
  const configFor = (port: number, tlsPolicy?: GatewayTlsPolicy): HaproxyConfigInput => ({
    port,
    replicaName: options.name,
    certificateFile: files.certificate,
    trustBundleFile: files.trustBundle,
    ...(files.hasCrl() ? { crlFile: files.crl } : {}),
    ...(options.rejectWith ? { rejectWith: options.rejectWith } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
    ...(tlsPolicy ? { tlsPolicy } : {}),
    pidFile: join(home, 'haproxy.pid'),
  });
  const configFile = join(home, 'haproxy.cfg');

  for (let attempt = 1; ; attempt++) {
    const port = await pickFreePort();
    await writeFile(configFile, haproxyConfig(configFor(port)), { mode: 0o600 });
    await checkConfig(binary, configFile, 'E_LAB_START', options.name);
    const proc = await SupervisedProcess.start({
      name: options.name,
      launch: {
        kind: 'spawn',
        command: binary,
        // -W: a master that re-reads the config on SIGUSR2 and replaces its worker; in the
        // foreground (no -D), so the supervisor holds the master.
        args: ['-W', '-f', configFile, ...(masterSocket.length <= MAX_SOCKET_PATH ? ['-S', `${masterSocket},mode,600`] : [])],
      },
      logDir: options.dir,
      // SIGTERM: the master hard-stops its workers; the group goes with it anyway.
      stopSignal: 'SIGTERM',
      ...(options.registry ? { registry: options.registry } : {}),
    });
    const polling = new AbortController();
    try {
      await awaitReady(proc, waitForTlsHandshake(port, polling.signal), {
        timeoutMs: options.readyTimeoutMs ?? 15_000,
        signal: options.signal,
        what: `gateway/haproxy on 127.0.0.1:${port}`,
      });
    } catch (error) {
      await proc.stop();
      const log = await proc.tailLog(30);
      if (attempt < PORT_ATTEMPTS && /cannot bind socket|Address already in use/.test(log) && !options.signal.aborted) continue;
      throw error;
    } finally {
      polling.abort();
    }
    return new StartedHaproxyGateway(options.name, port, options.caPem, proc, binary, configFile, files, (policy) =>
      haproxyConfig(configFor(port, policy)),
    );
  }
}

/** The gateway's copies of its PEM files, and what was last written to them (to roll back). */
class HaproxyFiles {
  readonly certificate: string;
  readonly trustBundle: string;
  readonly crl: string;

  constructor(
    home: string,
    private pem: { chain: string; key: string; trustBundle: string; crl: string | undefined },
  ) {
    this.certificate = join(home, 'server.pem');
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

  async write(): Promise<void> {
    const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
    await rm(this.certificate, { force: true });
    await writeFile(this.certificate, withNewline(this.pem.chain) + withNewline(this.pem.key), { mode: 0o600 });
    await writeFile(this.trustBundle, this.pem.trustBundle);
    if (this.pem.crl !== undefined) await writeFile(this.crl, this.pem.crl);
  }
}

/** `haproxy -c`: parses the config and loads every certificate, key, CA and CRL, binding nothing. */
async function checkConfig(binary: string, configFile: string, code: 'E_LAB_START' | 'E_LAB_RELOAD', name: string): Promise<void> {
  try {
    await run(binary, ['-c', '-q', '-f', configFile], { timeout: 10_000 });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`.trim();
    const alerts = output.split('\n').filter((line) => /ALERT|error/i.test(line)).slice(0, 5).join('\n');
    throw new LabError(code, `${name}: haproxy refused its config: ${alerts || output || (error as Error).message}`, {
      file: configFile,
      hint:
        code === 'E_LAB_RELOAD'
          ? 'the running worker keeps serving the previous files; check the new certificate, key, bundle and CRL'
          : `run \`haproxy -c -f ${configFile}\` to see every complaint`,
      cause: error,
    });
  }
}

class StartedHaproxyGateway implements StartedGateway {
  readonly kind = 'haproxy';
  readonly host = '127.0.0.1';
  readonly servername = 'localhost';
  private reloading: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly port: number,
    readonly caPem: string,
    private readonly proc: SupervisedProcess,
    private readonly binary: string,
    readonly configFile: string,
    private readonly files: HaproxyFiles,
    /** haproxy.cfg for this port and the current files, with this TLS policy. */
    private readonly renderConfig: (policy: GatewayTlsPolicy | undefined) => string,
  ) {}

  private tlsPolicy: GatewayTlsPolicy | undefined;

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
   * Rewrites the files, checks them with `haproxy -c` (a refused config is rolled back and the
   * running worker keeps serving), then sends SIGUSR2: the master re-executes itself, re-reads
   * the config, starts a new worker and, once it is ready, soft-stops the old one, which finishes
   * its connections (at most hard-stop-after). Resolves once the old worker is gone, or after
   * OLD_WORKER_DRAIN_MS of draining.
   */
  private async reloadNow(files: GatewayReloadFiles): Promise<void> {
    if (!this.proc.running) throw new LabError('E_LAB_STOPPED', `${this.name} is not running`);
    if (files.tlsPolicy) assertHaproxySupportsTlsPolicy(files.tlsPolicy);
    const previous = { pem: this.files.snapshot(), tlsPolicy: this.tlsPolicy };
    this.files.update(files);
    if (files.tlsPolicy) this.tlsPolicy = files.tlsPolicy;
    await this.files.write();
    await writeFile(this.configFile, this.renderConfig(this.tlsPolicy), { mode: 0o600 });
    try {
      await checkConfig(this.binary, this.configFile, 'E_LAB_RELOAD', this.name);
    } catch (error) {
      this.files.restore(previous.pem);
      this.tlsPolicy = previous.tlsPolicy;
      await this.files.write();
      await writeFile(this.configFile, this.renderConfig(this.tlsPolicy), { mode: 0o600 });
      throw error;
    }

    const master = this.proc.pid;
    const oldWorkers = new Set(this.pids().filter((pid) => pid !== master));
    process.kill(master, 'SIGUSR2');
    const deadline = Date.now() + RELOAD_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.proc.running) throw new LabError('E_LAB_RELOAD', `${this.name}: the haproxy master exited during the reload`, { file: this.proc.logFile, hint: `see ${this.proc.logFile}` });
      const pids = this.pids();
      if (pids.some((pid) => pid !== master && !oldWorkers.has(pid))) {
        // The master soft-stops the old worker once the new one says it is ready; until then
        // both accept (SO_REUSEPORT) and a new connection can still meet the old files.
        const drainDeadline = Math.min(deadline, Date.now() + OLD_WORKER_DRAIN_MS);
        while (this.pids().some((pid) => oldWorkers.has(pid)) && Date.now() < drainDeadline) await delay(25);
        return;
      }
      await delay(25);
    }
    throw new LabError('E_LAB_RELOAD', `${this.name}: no new haproxy worker within ${RELOAD_TIMEOUT_MS} ms of SIGUSR2`, {
      file: this.proc.logFile,
      hint: `see ${this.proc.logFile}`,
    });
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
