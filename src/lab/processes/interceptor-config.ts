/** What the parent writes for the interceptor process: its own certificate, and the gateway it relays to. */
export interface InterceptorProcessConfig {
  readonly name: string;
  /** A certificate for the gateway's name, issued by the interception CA (not the lab's). Key file 0600. */
  readonly certificateChainFile: string;
  readonly keyFile: string;
  /** 127.0.0.1 when omitted; the gateway's container name in docker (the run network's DNS). */
  readonly upstreamHost?: string;
  readonly upstreamPort: number;
  /** Where to listen: 127.0.0.1 port 0 (chosen by itself) when omitted; the docker runtime binds the container's interfaces on a fixed port. */
  readonly bind?: { readonly host: string; readonly port: number };
  readonly upstreamServername: string;
  /** The lab root: the interceptor checks the real gateway, as a corporate MITM proxy does. */
  readonly upstreamCaFile: string;
}
