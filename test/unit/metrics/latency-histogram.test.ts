import { describe, expect, it } from 'vitest';
import { LatencyHistogram, emptyLatencySummary } from '../../../src/metrics/index.js';

describe('LatencyHistogram', () => {
  it('reports percentiles in ms at microsecond resolution, min/mean/max exact', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms += 1) histogram.record(ms + 0.25);
    const summary = histogram.summary();
    expect(summary.count).toBe(100);
    expect(summary.p50).toBeCloseTo(50.25, 1);
    expect(summary.p95).toBeCloseTo(95.25, 1);
    expect(summary.p99).toBeCloseTo(99.25, 1);
    expect(summary.min).toBe(1.25);
    expect(summary.max).toBe(100.25);
    expect(summary.mean).toBeCloseTo(50.75, 3);
  });

  it('never reports a percentile above the largest value recorded, and ignores non-finite values', () => {
    const histogram = new LatencyHistogram();
    histogram.record(12.3456);
    histogram.record(Number.NaN);
    histogram.record(Number.POSITIVE_INFINITY);
    expect(histogram.count).toBe(1);
    expect(histogram.percentileMs(99.9)).toBeLessThanOrEqual(12.346);
    expect(new LatencyHistogram().summary()).toEqual(emptyLatencySummary());
  });
});
