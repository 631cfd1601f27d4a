import type { BalancerRouteQuery } from '../lab/index.js';
import type { AttemptRecord } from '../metrics/index.js';

/** Which backend each client connection went to, in query order (the balancer's `routes`). */
export type RouteLookup = (queries: readonly BalancerRouteQuery[]) => Promise<readonly (string | null)[]>;

export interface ReplicaAttributionOptions {
  /** The balancer's route log; undefined without a balancer (every record passes straight through). */
  readonly lookup: RouteLookup | undefined;
  /** Where records go, attributed or not. */
  readonly record: (attempt: AttemptRecord) => void;
  /** When an attempt started, epoch ms (the balancer's clock is the same machine's). */
  readonly startedAtMs: (attempt: AttemptRecord) => number;
  /** How long records wait to be asked about together; default 50 ms. */
  readonly batchMs?: number;
}

/**
 * Names the replica of attempts that never got an answer. A success or an HTTP refusal says who
 * answered (x-mtls-chaos-replica); an attempt that failed inside the TLS handshake (the client
 * refusing a stale replica's server certificate, a reset) has no header, so it is attributed
 * through the balancer: the attempt knows its local port, the balancer where that port's
 * connection went. Such records are batched into one lookup every `batchMs`; a record the
 * balancer cannot place (or a lookup that fails) is recorded unattributed, never dropped.
 */
export class ReplicaAttribution {
  private queue: AttemptRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: ReplicaAttributionOptions) {}

  accept(attempt: AttemptRecord): void {
    if (attempt.replica !== undefined || attempt.localPort === undefined || !this.options.lookup) {
      this.options.record(attempt);
      return;
    }
    this.queue.push(attempt);
    this.timer ??= setTimeout(() => this.flush(), this.options.batchMs ?? 50);
  }

  /** Looks up whatever waits and resolves once every record has been recorded. */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0 || !this.options.lookup) return;
    const queries = batch.map((attempt) => ({ clientPort: attempt.localPort!, startedAtMs: this.options.startedAtMs(attempt) }));
    const done: Promise<void> = this.options
      .lookup(queries)
      .then(
        (backends) => batch.forEach((attempt, index) => this.options.record(withReplica(attempt, backends[index] ?? undefined))),
        () => batch.forEach((attempt) => this.options.record(attempt)),
      )
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }
}

function withReplica(attempt: AttemptRecord, replica: string | undefined): AttemptRecord {
  return replica === undefined ? attempt : { ...attempt, replica };
}
