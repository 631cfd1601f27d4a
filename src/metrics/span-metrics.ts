import type { LatencySet, MetricsSummary } from '../result/run-result.js';
import type { AttemptRecord } from './attempt-record.js';
import { emptyCategoryCounts, type ErrorCategory } from './error-category.js';
import { LatencyHistogram } from './latency-histogram.js';

/**
 * Everything measured over one span of attempts (the whole run, a phase, a replica): counts and
 * four latency histograms. Latencies of failed attempts count too: a handshake that completed
 * before the gateway said 400 still cost what it cost, and `total` covers every attempt so that
 * timeouts weigh on the tail instead of vanishing from it.
 */
export class SpanMetrics {
  readonly #categories: Record<ErrorCategory, number> = emptyCategoryCounts();
  readonly #tcpConnect = new LatencyHistogram();
  readonly #tlsHandshake = new LatencyHistogram();
  readonly #firstByte = new LatencyHistogram();
  readonly #total = new LatencyHistogram();
  #attempts = 0;
  #resumed = 0;
  #lateStarts = 0;
  #maxStartDelayMs = 0;

  constructor(private readonly lateStartThresholdMs: number) {}

  get attempts(): number {
    return this.#attempts;
  }

  get lateStarts(): number {
    return this.#lateStarts;
  }

  get maxStartDelayMs(): number {
    return this.#maxStartDelayMs;
  }

  record(attempt: AttemptRecord): void {
    this.#attempts += 1;
    this.#categories[attempt.category] += 1;
    if (attempt.resumed) this.#resumed += 1;
    if (attempt.startDelayMs > this.lateStartThresholdMs) this.#lateStarts += 1;
    if (attempt.startDelayMs > this.#maxStartDelayMs) this.#maxStartDelayMs = attempt.startDelayMs;
    if (attempt.tcpConnectMs !== undefined) this.#tcpConnect.record(attempt.tcpConnectMs);
    if (attempt.tlsHandshakeMs !== undefined) this.#tlsHandshake.record(attempt.tlsHandshakeMs);
    if (attempt.firstByteMs !== undefined) this.#firstByte.record(attempt.firstByteMs);
    this.#total.record(attempt.totalMs);
  }

  /** `durationMs` is the time the span covered, for attemptsPerSecond. */
  summary(durationMs: number): MetricsSummary {
    const succeeded = this.#categories.ok;
    const latency: LatencySet = {
      tcpConnect: this.#tcpConnect.summary(),
      tlsHandshake: this.#tlsHandshake.summary(),
      firstByte: this.#firstByte.summary(),
      total: this.#total.summary(),
    };
    return {
      attempts: this.#attempts,
      succeeded,
      successRate: this.#attempts === 0 ? 0 : succeeded / this.#attempts,
      attemptsPerSecond: durationMs > 0 ? round3((this.#attempts * 1_000) / durationMs) : 0,
      categories: { ...this.#categories },
      resumed: this.#resumed,
      latency,
      lateStarts: this.#lateStarts,
      maxStartDelayMs: round3(this.#maxStartDelayMs),
    };
  }
}

function round3(value: number): number {
  return Math.round(value * 1_000) / 1_000;
}
