/** What the parent writes for the interceptor process: its own certificate, and the gateway it relays to. */
export interface InterceptorProcessConfig {
  readonly name: string;
  /** A certificate for the gateway's name, issued by the interception CA (not the lab's). Key file 0600. */
  readonly certificateChainFile: string;
  readonly keyFile: string;
  readonly upstreamPort: number;
  readonly upstreamServername: string;
  /** The lab root: the interceptor checks the real gateway, as a corporate MITM proxy does. */
  readonly upstreamCaFile: string;
}
