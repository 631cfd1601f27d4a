/** What the parent writes for the TLS terminator process: paths and ports, no key material. */
export interface TlsTerminatorProcessConfig {
  readonly name: string;
  /** The gateway's own certificate chain and key from the lab PKI (a terminator serves the site's name). */
  readonly certificateChainFile: string;
  readonly keyFile: string;
  /** What client certificates are verified against (the lab trust bundle). */
  readonly trustBundleFile: string;
  /** The gateway's host: 127.0.0.1 when omitted; its container name in docker. */
  readonly upstreamHost?: string;
  /** The gateway's TLS port: where passthrough relays bytes. */
  readonly upstreamPort: number;
  /** The gateway's plain-HTTP backend listener: where terminated requests go (same host as upstreamHost). */
  readonly backendPort: number;
  /** Where to listen: 127.0.0.1 port 0 (chosen by itself) when omitted; the docker runtime binds the container's interfaces on a fixed port. */
  readonly bind?: { readonly host: string; readonly port: number };
  /** The HMAC secret shared with the backend (0600, in the lab's PKI folder). */
  readonly identitySecretFile: string;
}
