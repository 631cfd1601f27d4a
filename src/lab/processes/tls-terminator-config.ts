/** What the parent writes for the TLS terminator process: paths and ports, no key material. */
export interface TlsTerminatorProcessConfig {
  readonly name: string;
  /** The gateway's own certificate chain and key from the lab PKI (a terminator serves the site's name). */
  readonly certificateChainFile: string;
  readonly keyFile: string;
  /** What client certificates are verified against (the lab trust bundle). */
  readonly trustBundleFile: string;
  /** The gateway's TLS port: where passthrough relays bytes. */
  readonly upstreamPort: number;
  /** The gateway's plain-HTTP backend listener: where terminated requests go. */
  readonly backendPort: number;
  /** The HMAC secret shared with the backend (0600, in the lab's PKI folder). */
  readonly identitySecretFile: string;
}
