import { renameSync, writeFileSync } from 'node:fs';
import { access, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LabError } from '../lab-error.js';
import { waitForTlsHandshake } from '../wait-for-tls.js';
import type { InterceptorMode, InterceptorOptions, StartedInterceptor } from './interceptor.js';
import { issueInterceptionCertificates } from './interception-certificates.js';
import { MITMPROXY_ADDON_SOURCE, mitmdumpCommand } from './mitmproxy-config.js';

type InterceptorStats = Awaited<ReturnType<StartedInterceptor['stats']>>;

const MODE_SWITCH_TIMEOUT_MS = 5_000;

/**
 * Starts mitmdump (Debian's mitmproxy, image mtls-chaos/mitmproxy) as the lab's interceptor in
 * the docker runtime, in passthrough, with the same interception CA and leaf as the builtin one.
 * Our addon (containers/mitmproxy/interceptor_addon.py) ignores every connection until the mode
 * file says intercept (read on SIGUSR1, at every ClientHello and by a poll); it then resets the
 * connections still passed through and terminates new ones. The addon acknowledges a switch in its stats file, which setMode waits for, so a fault
 * is in force once its inject resolves. Keys stay in the lab's PKI folder (mounted, 0600).
 */
export async function startMitmproxyInterceptor(options: InterceptorOptions): Promise<StartedInterceptor> {
  const runtime = options.runtime;
  if (!runtime?.startProgram) {
    throw new LabError('E_LAB_MITMPROXY_RUNTIME', 'lab.interceptor kind mitmproxy runs mitmdump in its container, and needs the docker runtime', {
      path: ['lab', 'interceptor', 'kind'],
      hint: 'run with --runtime docker (image mtls-chaos/mitmproxy from containers/build-images.sh), or use interceptor: { kind: builtin }',
    });
  }
  const { ca, leaf } = issueInterceptionCertificates(options.upstreamServername, options.algorithm);
  const confDir = join(options.keyDir, `${options.name}-conf`);
  const stateDir = join(options.dir, options.name);
  await mkdir(confDir, { recursive: true, mode: 0o700 });
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const leafFile = join(options.keyDir, `${options.name}-leaf.pem`);
  const upstreamCaFile = join(options.keyDir, `${options.name}-upstream-ca.pem`);
  // mitmproxy's own CA file: key and certificate in one PEM. With --certs '*' it signs nothing,
  // but it would otherwise generate a CA of its own at start.
  await writeFile(join(confDir, 'mitmproxy-ca.pem'), `${ca.credential.keyPem}${ca.certificate.pem}`, { mode: 0o600 });
  await writeFile(leafFile, `${leaf.keyPem}${leaf.chainPem}`, { mode: 0o600 });
  await writeFile(upstreamCaFile, options.upstreamCaPem, { mode: 0o600 });
  const modeFile = join(stateDir, 'mode');
  const statsFile = join(stateDir, 'stats.json');
  await writeFile(modeFile, 'passthrough\n');
  const addonFile = join(stateDir, 'interceptor_addon.py');
  await copyFile(MITMPROXY_ADDON_SOURCE, addonFile);
  const command = mitmdumpCommand({
    upstream: options.upstream,
    upstreamServername: options.upstreamServername,
    upstreamCaFile,
    bind: runtime.bind,
    confDir,
    leafFile,
    stateDir,
    addonFile,
    logFile: join(options.dir, `${options.name}.log`),
  });
  const program = await runtime.startProgram(
    {
      name: options.name,
      image: 'mitmproxy',
      command,
      dir: options.dir,
      what: `interceptor/mitmproxy in a container, port ${runtime.bind.port} published on 127.0.0.1`,
      // The addon has loaded once it wrote its stats; a handshake through the passthrough proves the path to the gateway.
      ready: async (hostPort, signal) => {
        while (!signal.aborted && !(await exists(statsFile))) await delay(50, undefined, { signal }).catch(() => {});
        await waitForTlsHandshake(hostPort, signal);
      },
      readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    },
    options.signal,
  );

  const stats = async (): Promise<InterceptorStats> => parseStats(await readFile(statsFile, 'utf8'), statsFile);
  return {
    name: options.name,
    kind: 'mitmproxy',
    host: '127.0.0.1',
    port: program.port,
    caPem: ca.certificate.pem,
    pids: () => program.groupPids(),
    setMode: async (mode: InterceptorMode) => {
      // Synchronously, file and signal in one turn of the event loop: the load is starting attempts
      // on this loop as a fault at 0s is injected, and each await would let one more of them
      // meet the interceptor in passthrough inside the fault window.
      const temporary = `${modeFile}.tmp`;
      writeFileSync(temporary, `${mode}\n`);
      renameSync(temporary, modeFile);
      // The container's main process is mitmdump (the shell execs it): SIGUSR1 makes the addon
      // switch now, not at its next poll, so the race with connections passed through is short.
      try {
        process.kill(program.pid, 'SIGUSR1');
      } catch {
        // Gone: the wait below reports it.
      }
      const deadline = Date.now() + MODE_SWITCH_TIMEOUT_MS;
      while ((await stats().catch(() => undefined))?.mode !== mode) {
        if (Date.now() > deadline || !program.running) {
          throw new LabError('E_LAB_IPC', `${options.name}: mitmdump's addon did not switch to ${mode} within ${MODE_SWITCH_TIMEOUT_MS} ms`, {
            file: statsFile,
            hint: `see ${join(options.dir, `${options.name}.log`)}`,
          });
        }
        await delay(20);
      }
    },
    stats,
    stop: () => program.stop(),
  };
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

const COUNTERS = ['passedThrough', 'intercepted', 'clientHandshakeFailures', 'upstreamFailures', 'resetAtSwitch', 'open'] as const;

/** The addon's stats.json, checked: a half-read or foreign file is an error, not zeros. */
export function parseStats(text: string, file: string): InterceptorStats {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const mode = raw.mode;
  if (mode !== 'passthrough' && mode !== 'intercept') throw new LabError('E_LAB_IPC', `${file}: expected mode passthrough or intercept, got ${JSON.stringify(mode)}`);
  const counters = Object.fromEntries(
    COUNTERS.map((key) => {
      const value = raw[key];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new LabError('E_LAB_IPC', `${file}: expected ${key} a count, got ${JSON.stringify(value)}`);
      return [key, value];
    }),
  ) as Record<(typeof COUNTERS)[number], number>;
  return { mode, ...counters };
}
