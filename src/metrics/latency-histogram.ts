import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../result/run-result.js';

/**
 * One latency distribution. Values go into an HdrHistogram as whole microseconds (3 significant
 * digits: a p95 of 12.345 ms is kept to within 0.1 %); min, max and mean are tracked exactly
 * beside it, because HDR reports the top of a value's bucket as max, which can read a little
 * above anything actually measured.
 */
export class LatencyHistogram {
  readonly #histogram: Histogram = build({ numberOfSignificantValueDigits: 3, autoResize: true, bitBucketSize: 32 });
  #count = 0;
  #sumMs = 0;
  #minMs = Number.POSITIVE_INFINITY;
  #maxMs = 0;

  get count(): number {
    return this.#count;
  }

  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const clampedMs = Math.max(0, ms);
    this.#histogram.recordValue(Math.round(clampedMs * 1_000));
    this.#count += 1;
    this.#sumMs += clampedMs;
    if (clampedMs < this.#minMs) this.#minMs = clampedMs;
    if (clampedMs > this.#maxMs) this.#maxMs = clampedMs;
  }

  /** Percentile in ms (0..100), clamped to what was measured; 0 when empty. */
  percentileMs(percentile: number): number {
    if (this.#count === 0) return 0;
    const ms = this.#histogram.getValueAtPercentile(percentile) / 1_000;
    return roundMs(Math.min(this.#maxMs, Math.max(this.#minMs, ms)));
  }

  summary(): LatencySummary {
    if (this.#count === 0) return emptyLatencySummary();
    return {
      count: this.#count,
      min: roundMs(this.#minMs),
      mean: roundMs(this.#sumMs / this.#count),
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p95: this.percentileMs(95),
      p99: this.percentileMs(99),
      max: roundMs(this.#maxMs),
    };
  }
}

export function emptyLatencySummary(): LatencySummary {
  return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
}

/** Microsecond precision is what the histogram keeps; more digits in result.json would be noise. */
function roundMs(ms: number): number {
  return Math.round(ms * 1_000) / 1_000;
}
