import * as hdr from 'hdr-histogram-js';

export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Microsecond resolution, up to one hour: every attempt latency fits with 3 significant digits. */
const MAX_TRACKABLE_US = 3_600_000_000;

/**
 * A latency distribution in milliseconds, recorded into an HdrHistogram at microsecond
 * resolution. Minimal on purpose: the load command's summary; per-bucket, per-phase metrics
 * live in src/metrics.
 */
export class LatencyStats {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });

  record(ms: number): void {
    this.histogram.recordValue(Math.min(MAX_TRACKABLE_US, Math.max(1, Math.round(ms * 1_000))));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** Percentiles in ms with three decimals; all zero when nothing was recorded. */
  summary(): Percentiles {
    if (this.histogram.totalCount === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    const max = this.histogram.maxValue;
    // A percentile is the top of its bucket (up to 0.1% above what was recorded); never report
    // one above the true maximum.
    const at = (percentile: number) => Math.round(Math.min(this.histogram.getValueAtPercentile(percentile), max)) / 1_000;
    return { count: this.histogram.totalCount, p50: at(50), p95: at(95), p99: at(99), max: Math.round(max) / 1_000 };
  }
}
