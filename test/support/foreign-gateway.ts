import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findHaproxy, findNginx } from '../../src/lab/index.js';
import { pickFreePort } from '../../src/lab/free-port.js';
import { spawnTlsServer } from '../../src/lab/spawn-tls-server.js';
import type { SupervisedProcess } from '../../src/lab/child-process-supervisor.js';

/**
 * An nginx or haproxy that a test configures itself, with a config file written in the test:
 * a gateway the project did not set up (no lab headers, no reason hook, no log reader), as a
 * user's own gateway is to `probe` and `load`. Ports are picked free and bound on 127.0.0.1 by
 * the config; the process is ready once a TLS handshake on the first port completes.
 */
export interface ForeignGateway {
  readonly ports: readonly number[];
  /** Idempotent. */
  stop(): Promise<void>;
}

export async function startForeignGateway(
  kind: 'nginx' | 'haproxy',
  dir: string,
  portCount: number,
  config: (ports: readonly number[]) => string,
): Promise<ForeignGateway> {
  await mkdir(join(dir, 'temp'), { recursive: true });
  const ports: number[] = [];
  for (let index = 0; index < portCount; index += 1) ports.push(await pickFreePort());
  const configFile = join(dir, kind === 'nginx' ? 'nginx.conf' : 'haproxy.cfg');
  await writeFile(configFile, config(ports), { mode: 0o600 });
  const proc: SupervisedProcess = await spawnTlsServer({
    name: `foreign-${kind}`,
    command: kind === 'nginx' ? findNginx() : findHaproxy(),
    args: kind === 'nginx' ? ['-p', `${dir}/`, '-c', configFile, '-e', join(dir, 'error.log'), '-g', 'daemon off;'] : ['-db', '-f', configFile],
    logDir: dir,
    port: ports[0]!,
    what: `foreign ${kind} on 127.0.0.1:${ports[0]}`,
    signal: AbortSignal.timeout(20_000),
  });
  let stopped: Promise<void> | undefined;
  return { ports, stop: () => (stopped ??= proc.stop()) };
}
