/**
 * What a fault proxy does to the traffic of its link, in the spirit of Toxiproxy's toxics
 * (toxics/latency.go, bandwidth.go, reset_peer.go, timeout.go): one active toxic at a time,
 * applied to every connection of the link, old and new, in both directions.
 */
export type Toxic =
  /** Every chunk is held latencyMs ± jitterMs (uniform, never negative, order kept). */
  | { readonly kind: 'latency'; readonly latencyMs: number; readonly jitterMs: number }
  /** Accepts connections and never forwards: what is sent is swallowed, nothing comes back. */
  | { readonly kind: 'blackhole' }
  /** TCP RST on every open connection and on each new one. */
  | { readonly kind: 'reset' }
  /** At most bytesPerSecond in each direction. */
  | { readonly kind: 'bandwidth'; readonly bytesPerSecond: number }
  /**
   * Both directions cut. refuse: nothing listens (connect gets ECONNREFUSED, as when a firewall
   * rejects); blackhole: connections are accepted and nothing crosses (packets dropped, so
   * clients wait for their own timeouts). Open connections go silent (blackhole) or are reset (refuse).
   */
  | { readonly kind: 'partition'; readonly mode: 'refuse' | 'blackhole' };

export type LinkName = 'client-gateway' | 'gateway-ocsp';
export const LINK_NAMES: readonly LinkName[] = ['client-gateway', 'gateway-ocsp'];

export function describeToxic(toxic: Toxic): string {
  switch (toxic.kind) {
    case 'latency':
      return `latency ${toxic.latencyMs} ms ± ${toxic.jitterMs} ms`;
    case 'blackhole':
      return 'blackhole (accepts, never forwards)';
    case 'reset':
      return 'reset (RST on open and new connections)';
    case 'bandwidth':
      return `bandwidth ${toxic.bytesPerSecond} B/s`;
    case 'partition':
      return toxic.mode === 'refuse' ? 'partition (connections refused both ways)' : 'partition (nothing crosses, both ways)';
  }
}

/** Whether data is swallowed rather than forwarded while this toxic is active. */
export function dropsData(toxic: Toxic | undefined): boolean {
  return toxic?.kind === 'blackhole' || toxic?.kind === 'partition';
}

/**
 * When each chunk of one direction of one connection is delivered, and the queue of chunks held
 * until then. One timer per direction, always for the head of the queue: separate timers per
 * chunk can fire out of order (Node rounds delays to whole ms and keeps one list per duration),
 * and a reordered TLS record is a bad_record_mac. Pure (clock and randomness
 * passed in), so the scheduling is unit-tested: a chunk is never delivered before the one read
 * before it, whatever the jitter, because TCP is a byte stream and reordering would corrupt TLS.
 */
export class DeliverySchedule {
  private lastDeliveryMs = 0;
  private readonly queue: { readonly atMs: number; readonly deliver: () => void }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Nothing is waiting: a chunk due now may be written at once without overtaking one. */
  get idle(): boolean {
    return this.queue.length === 0;
  }

  /** Holds `deliver` until atMs (the clock of `now`), after every chunk enqueued before it. */
  enqueue(atMs: number, deliver: () => void): void {
    this.queue.push({ atMs, deliver });
    if (this.queue.length === 1) this.arm();
  }

  /** Drops what is still held (the connection is gone). */
  clear(): void {
    this.queue.length = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const head = this.queue[0];
    if (!head) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, head.atMs - this.now()));
  }

  private flush(): void {
    this.timer = undefined;
    const now = this.now();
    while (this.queue.length > 0 && this.queue[0]!.atMs <= now + 1) this.queue.shift()!.deliver();
    this.arm();
  }

  /** Delivery time (same clock as nowMs) of a chunk of `bytes` read at nowMs under `toxic`. */
  next(nowMs: number, bytes: number, toxic: Toxic | undefined, random: () => number = Math.random): number {
    let at = nowMs;
    if (toxic?.kind === 'latency') {
      const jitter = toxic.jitterMs === 0 ? 0 : (random() * 2 - 1) * toxic.jitterMs;
      at = nowMs + Math.max(0, toxic.latencyMs + jitter);
    } else if (toxic?.kind === 'bandwidth') {
      // The link is busy until the previous chunk has gone out; this one takes bytes/rate after that.
      at = Math.max(nowMs, this.lastDeliveryMs) + (bytes / toxic.bytesPerSecond) * 1_000;
    }
    this.lastDeliveryMs = Math.max(at, this.lastDeliveryMs);
    return this.lastDeliveryMs;
  }
}
