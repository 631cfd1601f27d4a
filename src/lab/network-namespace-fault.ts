/**
 * A fault applied inside a component's own network namespace (the docker runtime), not by the
 * fault proxy: packets are dropped or rejected by the kernel, so TCP itself sees the loss
 * (retransmits, timeouts, resets) the way it would on a real network.
 */
export type NamespaceFault =
  /** Both directions cut. blackhole: packets dropped; refuse: answered with a TCP reset. */
  | { readonly kind: 'partition'; readonly mode: 'refuse' | 'blackhole' }
  /** Each packet, each way, dropped with this probability (0 < probability < 1). */
  | { readonly kind: 'loss'; readonly probability: number };

/**
 * Which traffic of the component, as seen from inside its namespace: connections to its own
 * listening port (a server side), or its connections to a peer component (a client side).
 */
export type NamespaceTraffic =
  | { readonly direction: 'inbound' }
  | { readonly direction: 'outbound'; readonly peer: { readonly host: string; readonly port: number } };

/** One fault applied in one namespace; heal removes exactly what apply added. */
export interface AppliedNamespaceFault {
  /** Idempotent; safe after the component is gone. */
  heal(): Promise<void>;
}

/**
 * What a runtime offers to break the network inside its components' namespaces (docker: a
 * helper container sharing the component's namespace, Pumba-style). The local runtime has no
 * namespaces of its own and offers none: faults go through the fault proxy there.
 */
export interface NetworkNamespaces {
  /** Gets the component's namespace ready ahead of a fault (starts its helper), so apply is quick. */
  prepare(component: string): Promise<void>;
  apply(component: string, fault: NamespaceFault, traffic: NamespaceTraffic): Promise<AppliedNamespaceFault>;
  /** The packet filter rules now in the component's namespace (`iptables -S`), for tests and diagnostics. */
  rules(component: string): Promise<string>;
  /** Heals what is still applied, then removes the helpers. Idempotent. */
  close(): Promise<void>;
}

export function describeNamespaceFault(fault: NamespaceFault): string {
  return fault.kind === 'loss'
    ? `packet loss ${formatProbability(fault.probability)} each way`
    : fault.mode === 'refuse'
      ? 'partition (TCP resets both ways)'
      : 'partition (packets dropped both ways)';
}

function formatProbability(probability: number): string {
  return `${Number((probability * 100).toFixed(2))}%`;
}
