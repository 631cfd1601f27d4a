import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findExecutable } from '../find-executable.js';
import { setTimeout as delay } from 'node:timers/promises';
import type { ErrorCategory } from '../../metrics/error-category.js';
import type { CpuUsageReading } from '../../metrics/index.js';
import type { SupervisedProcess } from '../child-process-supervisor.js';
import { spawnTlsServer } from '../spawn-tls-server.js';
import { pickFreePortOtherThan, startOnFreePort } from '../free-port.js';
import type { GatewayOptions, GatewayReloadFiles, GatewayTlsPolicy, StartedGateway } from '../gateway.js';
import { LabError } from '../lab-error.js';
import { waitForTlsHandshake } from '../wait-for-tls.js';
import { nginxConfig, type NginxConfigInput } from './nginx-config.js';
import { NginxErrorLog } from './nginx-error-log.js';
import { checkNginxConfig } from './nginx-config-check.js';
import { assertNginxOwnConfigRunnable, assertOwnConfigReloadable, fillNginxOwnConfig, nginxCheckError } from './nginx-own-config.js';

/** `dir` holds nginx's prefix, <dir>/nginx. */
export interface NginxGatewayOptions extends GatewayOptions {
  readonly workerProcesses?: number;
  /** Defaults to the nginx found in PATH or /usr/sbin/nginx. */
  readonly nginxBinary?: string;
}

const RELOAD_TIMEOUT_MS = 10_000;
const OLD_WORKER_DRAIN_MS = 3_000;

/** The nginx binary in PATH, else /usr/sbin/nginx (Debian puts it there, outside a user's PATH). */
export function findNginx(searchPath: string = process.env.PATH ?? '', fallbacks: readonly string[] = ['/usr/sbin/nginx']): string {
  const found = findExecutable('nginx', searchPath, fallbacks);
  if (found) return found;
  throw new LabError('E_LAB_NGINX_MISSING', 'the nginx gateway needs nginx, and none was found in PATH or /usr/sbin/nginx', {
    hint: 'install it (Debian/Ubuntu: `apt-get install nginx`), or use the node gateway (lab.gateway.kind: node)',
  });
}

/**
 * Starts the local nginx binary as a supervised child in the foreground (`daemon off`), with its
 * own prefix, config, pid file and error log under `dir`, so it shares nothing with a system nginx.
 * With `ownConfig`, the team's config (filled, and wrapped when it is server blocks;
 * nginx-own-config.ts) runs instead of the generated one, once `nginx -t` has accepted it.
 */
export async function startNginxGateway(options: NginxGatewayOptions): Promise<StartedGateway> {
  const own = options.ownConfig && { template: options.ownConfig, facts: assertNginxOwnConfigRunnable(options.ownConfig) };
  const inContainer = options.runtime?.startProgram !== undefined;
  const binary = inContainer ? 'nginx' : (options.nginxBinary ?? findNginx());
  const prefix = join(options.dir, 'nginx');
  const conf = join(prefix, 'conf');
  for (const sub of ['conf', 'logs', 'temp']) await mkdir(join(prefix, sub), { recursive: true, mode: 0o700 });
  // Copies, so that a reload rewrites the gateway's files and never the lab PKI's.
  const files: NginxGatewayFiles = {
    certificateChain: join(conf, 'server-chain.pem'),
    key: join(conf, 'server.key.pem'),
    trustBundle: join(conf, 'trust-bundle.pem'),
    crl: join(conf, 'crl.pem'),
    ...(own ? { serverPem: join(conf, 'server.pem') } : {}),
  };
  await copyFile(options.files.certificateChain, files.certificateChain);
  await rm(files.key, { force: true });
  await copyFile(options.files.key, files.key);
  await copyFile(options.files.trustBundle, files.trustBundle);
  await writeServerPem(files);
  let crlConfigured = false;
  if (options.files.crl) {
    await copyFile(options.files.crl, files.crl);
    crlConfigured = true;
  }
  const errorLogFile = join(prefix, 'logs', 'error.log');
  const configFile = join(conf, 'nginx.conf');
  const pidFile = join(prefix, 'nginx.pid');
  // As root, nginx would run its workers as nobody, who cannot enter the 0700 prefix.
  const asRoot = process.getuid?.() === 0;
  // In a container: its own network namespace, published on the host's 127.0.0.1 only.
  const listenHost = inContainer ? '0.0.0.0' : '127.0.0.1';
  let tlsPolicy: GatewayTlsPolicy | undefined;
  const configFor = (port: number): NginxConfigInput => ({
    prefix,
    port,
    replicaName: options.name,
    workerProcesses: options.workerProcesses ?? 1,
    pidFile,
    errorLogFile,
    certificateChainFile: files.certificateChain,
    keyFile: files.key,
    trustBundleFile: files.trustBundle,
    ...(crlConfigured ? { crlFile: files.crl } : {}),
    ...(tlsPolicy ? { tlsPolicy } : {}),
    ...(options.ocsp ? { ocsp: options.ocsp } : {}),
    ...(asRoot ? { user: 'root' } : {}),
    ...(inContainer ? { listenHost, resolver: '127.0.0.11' } : {}),
  });
  // -g: daemon off for the supervisor; `user root` as in the generated config, unless a whole own file says whose.
  const globals = `daemon off;${own?.facts.form === 'whole-file' && asRoot && !own.facts.user ? ' user root;' : ''}`;
  // -e: the error log before the config is read, so that early errors land in our prefix too.
  const nginxArgs = ['-p', `${prefix}/`, '-c', configFile, '-e', errorLogFile, '-g', globals];

  /** Writes nginx.conf for this port; with an own config, only once `nginx -t` accepts it. */
  const writeStartConfig = async (port: number): Promise<void> => {
    if (!own) {
      await writeFile(configFile, nginxConfig(configFor(port)), { mode: 0o600 });
      return;
    }
    const upstreamPort = own.facts.form === 'server-blocks' ? await pickFreePortOtherThan(port) : undefined;
    const filled = fillNginxOwnConfig(own.template, own.facts, {
      ...configFor(port),
      listenHost,
      serverPemFile: files.serverPem!,
      ...(options.ocspResponderUrl ? { ocspResponderUrl: options.ocspResponderUrl } : {}),
      ...(upstreamPort === undefined ? {} : { upstreamPort }),
    });
    await writeFile(configFile, filled.text, { mode: 0o600 });
    const checked = await checkNginxConfig(binary, nginxArgs, options);
    if (checked.exitCode !== 0) throw nginxCheckError(checked.output, configFile, own.template, filled);
  };

  const errorLog = new NginxErrorLog(errorLogFile);
  const nginxFiles = (port: number): NginxFiles => ({
    files,
    configFile,
    assertReloadable: (reload) => {
      if (own) assertOwnConfigReloadable(options.name, own.template, own.facts, reload);
    },
    rewriteConfigFor: async (reload) => {
      if (own) return; // the team's config reads the same files; it never changes
      if (reload.crlPem && !crlConfigured) crlConfigured = true;
      else if (!reload.tlsPolicy) return;
      // nginxConfig throws before anything is written when nginx could not express the policy.
      const config = nginxConfig({ ...configFor(port), ...(reload.tlsPolicy ? { tlsPolicy: reload.tlsPolicy } : {}) });
      if (reload.tlsPolicy) tlsPolicy = reload.tlsPolicy;
      await writeFile(configFile, config, { mode: 0o600 });
    },
  });
  const runtime = options.runtime;
  if (runtime?.startProgram) {
    const port = runtime.bind.port;
    await writeStartConfig(port);
    await errorLog.startAtEnd();
    const program = await runtime.startProgram(
      {
        name: options.name,
        image: 'nginx',
        command: [binary, ...nginxArgs],
        dir: options.dir,
        what: `gateway/nginx in a container, port ${port} published on 127.0.0.1`,
        ready: (hostPort, signal) => waitForTlsHandshake(hostPort, signal),
        ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
      },
      options.signal,
    );
    const gateway = new StartedNginxGateway(options.name, program.port, options.caPem, program, errorLog, nginxFiles(port));
    if (program.cpuUsage) gateway.cpuUsage = () => program.cpuUsage?.();
    return gateway;
  }
  return startOnFreePort(
    async (port) => {
      await writeStartConfig(port);
      await errorLog.startAtEnd();
      const proc = await spawnTlsServer({
        name: options.name,
        command: binary,
        args: nginxArgs,
        logDir: options.dir,
        port,
        what: `gateway/nginx on 127.0.0.1:${port}`,
        signal: options.signal,
        ...(options.registry ? { registry: options.registry } : {}),
        ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
      });
      return new StartedNginxGateway(options.name, port, options.caPem, proc, errorLog, nginxFiles(port));
    },
    { signal: options.signal, lostThePort: async () => /Address already in use/.test((await errorLog.linesSince(0)).join('\n')) },
  );
}

interface NginxGatewayFiles {
  readonly certificateChain: string;
  readonly key: string;
  readonly trustBundle: string;
  readonly crl: string;
  /** Own configs only: chain and key in one file for {{server_pem}}, rewritten with either. */
  readonly serverPem?: string;
}

/** {{server_pem}}: the chain then the key, in one 0600 file (haproxy's crt format, also fine for nginx). */
async function writeServerPem(files: NginxGatewayFiles): Promise<void> {
  if (!files.serverPem) return;
  const [chain, key] = await Promise.all([readFile(files.certificateChain, 'utf8'), readFile(files.key, 'utf8')]);
  await rm(files.serverPem, { force: true });
  await writeFile(files.serverPem, `${chain.trimEnd()}\n${key.trimEnd()}\n`, { mode: 0o600 });
}

interface NginxFiles {
  readonly files: NginxGatewayFiles;
  readonly configFile: string;
  /** Throws, before any file is written, for what this config cannot take (own configs). */
  assertReloadable(reload: GatewayReloadFiles): void;
  /** Rewrites nginx.conf when a reload changes it: the generated config's first CRL or a TLS policy. */
  rewriteConfigFor(reload: GatewayReloadFiles): Promise<void>;
}

class StartedNginxGateway implements StartedGateway {
  readonly kind = 'nginx';
  readonly host = '127.0.0.1';
  readonly servername = 'localhost';
  cpuUsage?: () => CpuUsageReading | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly caPem: string,
    /** The master: a supervised child, or a container's main process (a host process all the same). */
    private readonly proc: Pick<SupervisedProcess, 'pid' | 'running' | 'groupPids' | 'stop'>,
    private readonly errorLog: NginxErrorLog,
    private readonly config: NginxFiles,
  ) {}

  /** Master and workers (one process group). */
  pids(): number[] {
    return this.proc.groupPids();
  }

  get masterPid(): number {
    return this.proc.pid;
  }

  get errorLogFile(): string {
    return this.errorLog.path;
  }

  /**
   * Rewrites the files and sends SIGHUP: the master re-reads its config, starts new workers with
   * the new certificates and lets the old ones finish their connections (nginx "Controlling
   * nginx"). Resolves once a new worker runs; rejects with nginx's own complaint when the new
   * config is refused (the old workers then keep serving the old files).
   */
  async reload(files: GatewayReloadFiles = {}): Promise<void> {
    if (!this.proc.running) throw new LabError('E_LAB_STOPPED', `${this.name} is not running`);
    this.config.assertReloadable(files);
    const { files: paths } = this.config;
    if (files.certificateChainPem) await writeFile(paths.certificateChain, files.certificateChainPem);
    if (files.keyPem) await writeFile(paths.key, files.keyPem, { mode: 0o600 });
    if (files.certificateChainPem || files.keyPem) await writeServerPem(paths);
    if (files.trustBundlePem) await writeFile(paths.trustBundle, files.trustBundlePem);
    if (files.crlPem) await writeFile(paths.crl, files.crlPem);
    await this.config.rewriteConfigFor(files);

    const master = this.proc.pid;
    const oldWorkers = new Set(this.pids().filter((pid) => pid !== master));
    const logOffset = await this.errorLog.size();
    process.kill(master, 'SIGHUP');
    const deadline = Date.now() + RELOAD_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const refused = (await this.errorLog.linesSince(logOffset)).find((line) => /\[(emerg|alert)\]/.test(line));
      if (refused) {
        throw new LabError('E_LAB_RELOAD', `${this.name}: nginx refused the reload: ${refused}`, {
          file: this.config.configFile,
          hint: 'the old workers keep serving the previous files; check the new certificate, key and bundle',
        });
      }
      const pids = this.pids();
      if (pids.some((pid) => pid !== master && !oldWorkers.has(pid))) {
        // Old workers stop accepting when the master sends them QUIT, just after the new ones
        // start; until then a new connection can still meet the old certificates. Wait for them
        // to go (idle keep-alive connections are closed at once), but not for long requests.
        const drainDeadline = Math.min(deadline, Date.now() + OLD_WORKER_DRAIN_MS);
        while (this.pids().some((pid) => oldWorkers.has(pid)) && Date.now() < drainDeadline) await delay(25);
        return;
      }
      await delay(25);
    }
    throw new LabError('E_LAB_RELOAD', `${this.name}: no new nginx worker within ${RELOAD_TIMEOUT_MS} ms of SIGHUP`, {
      file: this.errorLog.path,
      hint: `see ${this.errorLog.path}`,
    });
  }

  rejectionReasonSince(sinceMs: number): Promise<ErrorCategory | undefined> {
    return this.errorLog.rejectionSince(sinceMs);
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
