import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BalancerRouteLog, type BalancerRouteQuery } from '../balancer-route-log.js';
import { spawnTlsServer } from '../spawn-tls-server.js';
import { startOnFreePort } from '../free-port.js';
import { shellQuote } from '../shell-quote.js';
import { waitForTlsHandshake } from '../wait-for-tls.js';
import { haproxyBalancerConfig, ROUTE_LINE } from './haproxy-balancer-config.js';
import { findHaproxy, haproxyLostItsPort } from './haproxy-gateway.js';
import type { StartedTcpBalancer, TcpBalancerOptions } from './tcp-balancer.js';


/**
 * Starts haproxy in TCP mode in front of the replicas' 127.0.0.1 ports. Locally the haproxy
 * binary; in docker the haproxy image in the host's network namespace, bound to 127.0.0.1: like
 * the built-in balancer it must see the clients' own source ports (through docker-proxy it would
 * see docker-proxy's) to say which replica a connection that failed in its handshake went to.
 */
export async function startHaproxyBalancer(options: TcpBalancerOptions): Promise<StartedTcpBalancer> {
  const runtime = options.runtime;
  const backends = options.backends.map((backend) => ({ name: backend.name, host: '127.0.0.1', port: backend.port }));
  const configFile = join(options.dir, `${options.name}.cfg`);
  const logFile = join(options.dir, `${options.name}.log`);
  const pidFile = join(options.dir, `${options.name}.pid`);
  return startOnFreePort(
    async (port) => {
      await writeFile(configFile, haproxyBalancerConfig({ port, backends, pidFile }), { mode: 0o600 });
      if (runtime?.startProgram) {
        const program = await runtime.startProgram(
          {
            name: options.name,
            image: 'haproxy',
            command: ['/bin/sh', '-c', `exec haproxy -W -f ${shellQuote(configFile)} >>${shellQuote(logFile)} 2>&1`],
            dir: options.dir,
            what: `balancer/haproxy in a container on the host's network, 127.0.0.1:${port}`,
            hostNetworkPort: port,
            ready: (hostPort, signal) => waitForTlsHandshake(hostPort, signal),
            ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
          },
          options.signal,
        );
        return new HaproxyBalancer(options.name, port, backends, logFile, () => program.groupPids(), () => program.stop());
      }
      const proc = await spawnTlsServer({
        name: options.name,
        command: findHaproxy(),
        args: ['-W', '-f', configFile],
        logDir: options.dir,
        port,
        what: `balancer/haproxy on 127.0.0.1:${port}`,
        signal: options.signal,
        ...(options.registry ? { registry: options.registry } : {}),
        ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
      });
      return new HaproxyBalancer(options.name, port, backends, proc.logFile, () => proc.groupPids(), () => proc.stop());
    },
    { signal: options.signal, lostThePort: () => haproxyLostItsPort(logFile) },
  );
}

class HaproxyBalancer implements StartedTcpBalancer {
  readonly kind = 'haproxy';
  readonly host = '127.0.0.1';
  readonly backends: readonly string[];
  private readonly routeLog = new BalancerRouteLog();
  /** How far haproxy's log has been read, and a line it had not finished writing then. */
  private readOffset = 0;
  private partialLine = '';

  constructor(
    readonly name: string,
    readonly port: number,
    backends: readonly { readonly name: string }[],
    private readonly logFile: string,
    readonly pids: () => number[],
    readonly stop: () => Promise<void>,
  ) {
    this.backends = backends.map((backend) => backend.name);
  }

  /** From haproxy's route lines; each call reads only what was logged since the last one. */
  async routes(queries: readonly BalancerRouteQuery[]): Promise<(string | null)[]> {
    await this.readNewLines();
    return queries.map((query) => this.routeLog.backendOf(query) ?? null);
  }

  private async readNewLines(): Promise<void> {
    const file = await open(this.logFile, 'r').catch(() => undefined);
    if (!file) return;
    try {
      const { size } = await file.stat();
      if (size <= this.readOffset) return;
      const chunk = Buffer.alloc(size - this.readOffset);
      const { bytesRead } = await file.read(chunk, 0, chunk.length, this.readOffset);
      this.readOffset += bytesRead;
      const lines = (this.partialLine + chunk.subarray(0, bytesRead).toString('utf8')).split('\n');
      this.partialLine = lines.pop() ?? '';
      for (const line of lines) {
        const match = ROUTE_LINE.exec(line);
        if (match) this.routeLog.add({ clientPort: Number(match[1]), acceptedAtMs: Number(match[2]), backend: match[3]! });
      }
    } finally {
      await file.close();
    }
  }
}
