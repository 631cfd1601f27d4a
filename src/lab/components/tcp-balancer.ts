import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BalancerRouteQuery } from '../balancer-route-log.js';
import type { ComponentOptions } from '../component-options.js';
import type { IpcClient } from '../ipc.js';
import type { TcpBalancerProcessConfig } from '../processes/tcp-balancer-config.js';
import { startForkedComponent, type ForkedComponent } from './forked-component.js';

export type BalancerKind = 'builtin' | 'haproxy';

export interface TcpBalancerOptions extends ComponentOptions {
  /** The replicas in round-robin order, each listening on 127.0.0.1. */
  readonly backends: readonly { readonly name: string; readonly port: number }[];
}

export interface StartedTcpBalancer {
  readonly name: string;
  readonly kind: BalancerKind;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly backends: readonly string[];
  pids(): number[];
  /** Which backend each client connection went to (null: the balancer never saw it), in query order. */
  routes(queries: readonly BalancerRouteQuery[]): Promise<(string | null)[]>;
  stop(): Promise<void>;
}

/**
 * Starts the built-in TCP round-robin balancer (processes/tcp-balancer-process.ts) in front of
 * the gateway replicas: a supervised child on 127.0.0.1, TCP pass-through, so TLS terminates at
 * each replica and a stale one shows its own certificate and its own verdict.
 */
export async function startTcpBalancer(options: TcpBalancerOptions): Promise<StartedTcpBalancer> {
  if (options.backends.length === 0) throw new RangeError('the TCP balancer needs at least one backend');
  const configFile = join(options.dir, `${options.name}.json`);
  const config: TcpBalancerProcessConfig = { name: options.name, backends: options.backends };
  await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  const { proc, ipc, port } = await startForkedComponent({
    ...options,
    entry: 'tcp-balancer-process.ts',
    configFile,
    what: 'balancer/builtin on 127.0.0.1, port chosen by itself',
  });
  return new TcpBalancer(options.name, port, options.backends.map((backend) => backend.name), proc, ipc);
}

class TcpBalancer implements StartedTcpBalancer {
  readonly kind = 'builtin';
  readonly host = '127.0.0.1';

  constructor(
    readonly name: string,
    readonly port: number,
    readonly backends: readonly string[],
    private readonly proc: ForkedComponent['proc'],
    private readonly ipc: IpcClient,
  ) {}

  pids(): number[] {
    return this.proc.pids();
  }

  routes(queries: readonly BalancerRouteQuery[]): Promise<(string | null)[]> {
    return this.ipc.request<(string | null)[]>('routes', queries);
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
