/** What the haproxy TCP balancer's config is made of. */
export interface HaproxyBalancerConfigInput {
  /** Where it listens: always 127.0.0.1 (the host's loopback, also when in a container on the host's network). */
  readonly port: number;
  /** The replicas in round-robin order, as haproxy reaches them. */
  readonly backends: readonly { readonly name: string; readonly host: string; readonly port: number }[];
  readonly pidFile: string;
}

/** A log line per client connection: `route <client port> <accept epoch ms> <replica>`. */
export const ROUTE_LINE = /^route (\d+) (\d{13}) (\S+)$/;

/**
 * haproxy in TCP mode, round-robin, TLS passing through to the replicas. `option logasap` logs
 * each connection as soon as its replica is chosen (not when it closes), with the client's source
 * port: the run attributes a handshake failure to a replica from it, as with the built-in balancer.
 * `%Ts%ms` is the accept time in epoch seconds followed by its 3-digit milliseconds.
 */
export function haproxyBalancerConfig(input: HaproxyBalancerConfigInput): string {
  if (input.backends.length === 0) throw new RangeError('the haproxy balancer needs at least one backend');
  const server = (backend: HaproxyBalancerConfigInput['backends'][number]) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(backend.name)) throw new RangeError(`backend name ${JSON.stringify(backend.name)} is not a haproxy server name`);
    return `  server ${backend.name} ${backend.host}:${backend.port}`;
  };
  return [
    'global',
    '  log stdout format raw local0',
    `  pidfile ${input.pidFile}`,
    'defaults',
    '  mode tcp',
    '  log global',
    '  option logasap',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    'frontend replicas_in',
    `  bind 127.0.0.1:${input.port}`,
    '  log-format "route %cp %Ts%ms %s"',
    '  default_backend replicas',
    'backend replicas',
    '  balance roundrobin',
    ...input.backends.map(server),
    '',
  ].join('\n');
}
