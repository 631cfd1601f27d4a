import type { TimelineBucket } from '../result/run-result.js';
import type { AttemptRecord, Phase } from './attempt-record.js';
import type { ErrorCategory } from './error-category.js';
import { LatencyHistogram } from './latency-histogram.js';

type Percentiles = TimelineBucket['tlsHandshake'];

/** The width of one timeline bucket: what every per-second figure (and recovery.time) is resolved to. */
export const TIMELINE_BUCKET_MS = 1_000;

/**
 * One second of the timeline. While open it holds two histograms; closing it keeps only the
 * percentiles, so a four-hour game day costs a few hundred bytes per second, not two histograms.
 * An attempt that arrives after its second closed (it finished very late relative to the rest)
 * still counts, but cannot move the second's frozen percentiles.
 */
export class TimelineBucketBuilder {
  #attempts = 0;
  #succeeded = 0;
  readonly #categories: Partial<Record<ErrorCategory, number>> = {};
  #closed = false;
  /** Made by the first attempt: the empty seconds of a long, sparse timeline cost no histograms. */
  #open: { tlsHandshake: LatencyHistogram; total: LatencyHistogram } | undefined;
  #tlsHandshake: Percentiles = ZERO;
  #total: Percentiles = ZERO;

  constructor(
    readonly second: number,
    readonly phase: Phase,
  ) {}

  get isOpen(): boolean {
    return !this.#closed;
  }

  record(attempt: AttemptRecord): void {
    this.#attempts += 1;
    if (attempt.category === 'ok') this.#succeeded += 1;
    this.#categories[attempt.category] = (this.#categories[attempt.category] ?? 0) + 1;
    if (!this.#closed) {
      this.#open ??= { tlsHandshake: new LatencyHistogram(), total: new LatencyHistogram() };
      if (attempt.tlsHandshakeMs !== undefined) this.#open.tlsHandshake.record(attempt.tlsHandshakeMs);
      this.#open.total.record(attempt.totalMs);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#open) return;
    this.#tlsHandshake = percentiles(this.#open.tlsHandshake);
    this.#total = percentiles(this.#open.total);
    this.#open = undefined;
  }

  /** `peek`: percentiles of a still-open second without closing it (a checkpoint mid-run). */
  toBucket(cpu: { gatewayCpuPercent?: number; generatorCpuPercent?: number }, options: { peek?: boolean } = {}): TimelineBucket {
    const open = options.peek ? this.#open : undefined;
    if (!options.peek) this.close();
    return {
      second: this.second,
      phase: this.phase,
      attempts: this.#attempts,
      succeeded: this.#succeeded,
      categories: { ...this.#categories },
      tlsHandshake: open ? percentiles(open.tlsHandshake) : this.#tlsHandshake,
      total: open ? percentiles(open.total) : this.#total,
      ...(cpu.gatewayCpuPercent === undefined ? {} : { gatewayCpuPercent: cpu.gatewayCpuPercent }),
      ...(cpu.generatorCpuPercent === undefined ? {} : { generatorCpuPercent: cpu.generatorCpuPercent }),
    };
  }
}

const ZERO: Percentiles = { p50: 0, p95: 0, p99: 0, max: 0 };

function percentiles(histogram: LatencyHistogram): Percentiles {
  const summary = histogram.summary();
  return { p50: summary.p50, p95: summary.p95, p99: summary.p99, max: summary.max };
}
