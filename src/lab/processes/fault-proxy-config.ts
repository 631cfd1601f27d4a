/** What the parent writes for a fault proxy process: where it forwards to. */
export interface FaultProxyProcessConfig {
  readonly name: string;
  readonly upstreamHost: '127.0.0.1';
  readonly upstreamPort: number;
}
