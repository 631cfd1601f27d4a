/** What the parent writes to a JSON file for the TCP balancer process. */
export interface TcpBalancerProcessConfig {
  readonly name: string;
  /** The replicas, in round-robin order; every one listens on 127.0.0.1. */
  readonly backends: readonly { readonly name: string; readonly port: number }[];
}
