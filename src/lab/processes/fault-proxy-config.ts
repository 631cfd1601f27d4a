/** What the parent writes for a fault proxy process: where it forwards to, and where it listens. */
export interface FaultProxyProcessConfig {
  readonly name: string;
  /** 127.0.0.1 locally; the upstream's container name in docker (the run network's DNS). */
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  /** Where to listen: 127.0.0.1 port 0 (chosen by itself) when omitted; the docker runtime binds the container's interfaces on a fixed port. */
  readonly bind?: { readonly host: string; readonly port: number };
}
