import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentSummary } from '../result/run-result.js';
import { BalancedGateway } from './balanced-gateway.js';
import { gatewayKinds } from './gateway-kinds/registry.js';
import { startHaproxyBalancer } from './components/haproxy-balancer.js';
import { startTcpBalancer, type BalancerKind, type StartedTcpBalancer } from './components/tcp-balancer.js';
import type { GatewayOptions, GatewaySpec, StartedGateway } from './gateway.js';

export const MAX_GATEWAY_REPLICAS = 8;

export interface StartedGateways {
  /** Where load goes: the one gateway, or the balancer in front of the replicas. */
  readonly gateway: StartedGateway;
  /** Each replica on its own (one: the gateway itself), in the balancer's round-robin order. */
  readonly replicas: readonly StartedGateway[];
  readonly balancer?: StartedTcpBalancer;
}

/**
 * Starts the gateway's replicas (one by default) and, in front of several, the built-in TCP
 * balancer. One replica keeps its plain name and folder (gateway-node); N replicas are named
 * <name>-1..N, which is also their x-mtls-chaos-replica header, and each gets a folder of its own
 * (an nginx replica's prefix: config, pid file, error log; a haproxy replica's config, PEM copies, pid file and socket). `onStarted` hears of each component
 * as soon as it runs, so that a failure part-way still stops what started.
 */
export async function startGateways(
  spec: GatewaySpec,
  balancerKind: BalancerKind | undefined,
  common: GatewayOptions,
  onStarted: (component: { readonly name: string; stop(): Promise<void> }) => void,
  log: (line: string) => void,
): Promise<StartedGateways> {
  const count = spec.replicas ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_GATEWAY_REPLICAS) {
    throw new RangeError(`lab.gateway.replicas must be a whole number from 1 to ${MAX_GATEWAY_REPLICAS}; got ${count}`);
  }
  const replicas: StartedGateway[] = [];
  for (let index = 1; index <= count; index++) {
    common.signal.throwIfAborted();
    const name = count === 1 ? common.name : `${common.name}-${index}`;
    const dir = count === 1 ? common.dir : join(common.dir, name);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    log(`starting gateway/${spec.kind} ${name}`);
    const options = { ...common, name, dir };
    const replica = await gatewayKinds.definition(spec.kind).start(spec, options);
    onStarted(replica);
    replicas.push(replica);
    log(`gateway/${spec.kind} ${name} ready on 127.0.0.1:${replica.port}`);
  }
  if (!balancerKind && count === 1) return { gateway: replicas[0]!, replicas };

  common.signal.throwIfAborted();
  // On the host's loopback in both runtimes, in front of the replicas' 127.0.0.1 ports: behind
  // docker-proxy it would see docker-proxy's source ports, not the clients', and could no longer
  // say which replica a connection that failed in its handshake went to (byReplica). The haproxy
  // balancer runs from its image in docker, on the host's network.
  const kind = balancerKind ?? 'builtin';
  const balancerOptions = {
    name: `balancer-${kind}`,
    dir: common.dir,
    backends: replicas.map((replica) => ({ name: replica.name, port: replica.port })),
    signal: common.signal,
    ...(common.registry ? { registry: common.registry } : {}),
  };
  const balancer =
    kind === 'haproxy'
      ? await startHaproxyBalancer({ ...balancerOptions, ...(common.runtime ? { runtime: common.runtime } : {}) })
      : await startTcpBalancer(balancerOptions);
  onStarted(balancer);
  log(`balancer/${kind} ready on 127.0.0.1:${balancer.port}, round-robin over ${count} replicas`);
  return { gateway: new BalancedGateway(replicas, balancer), replicas, balancer };
}

/** The lab's component list entries for the gateways (replicas first, then the balancer). */
export function gatewayComponents(started: StartedGateways): ComponentSummary[] {
  return [
    ...started.replicas.map((replica) => ({
      name: replica.name,
      kind: `gateway/${replica.kind}`,
      endpoint: `https://${replica.servername}:${replica.port}/`,
      ...pidOf(replica.pids()),
    })),
    ...(started.balancer
      ? [
          {
            name: started.balancer.name,
            kind: `balancer/${started.balancer.kind}`,
            endpoint: `tcp://127.0.0.1:${started.balancer.port}`,
            ...pidOf(started.balancer.pids()),
          },
        ]
      : []),
  ];
}

function pidOf(pids: number[]): { pid?: number } {
  const [first] = pids;
  return first === undefined ? {} : { pid: first };
}
