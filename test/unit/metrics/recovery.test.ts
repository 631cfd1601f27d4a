import { describe, expect, it } from 'vitest';
import { measureRecovery } from '../../../src/metrics/index.js';
import type { TimelineBucket } from '../../../src/result/index.js';

/** One bucket per second with `started` attempts due in it, `ok` of them successful. */
function timeline(rows: [started: number, ok: number][]): TimelineBucket[] {
  const percentiles = { p50: 1, p95: 1, p99: 1, max: 1 };
  return rows.map(([started, ok], second) => ({
    second,
    phase: 'recovery',
    attempts: started,
    succeeded: ok,
    categories: {},
    tlsHandshake: percentiles,
    total: percentiles,
    startedAttempts: started,
    startedSucceeded: ok,
  }));
}

describe('measureRecovery', () => {
  it('is the time from the heal to the first second of a stable run at the target', () => {
    // healed at 4.5 s; seconds 4 and 5 still fail; from 6 s on every attempt succeeds.
    const buckets = timeline([[10, 10], [10, 10], [10, 0], [10, 0], [10, 0], [10, 5], [10, 10], [10, 10], [10, 10], [10, 10]]);
    expect(measureRecovery(buckets, 4_500, 0.99)).toEqual({ healedAtMs: 4_500, timeMs: 1_500, targetSuccessRate: 0.99, resolutionMs: 1_000 });
  });

  it('carries its one-second resolution: a heal late in a second then a clean second is 1 ms, known only as "< 1 s"', () => {
    // healed at 5.999 s: second 5 still held attempts due under the fault; from 6 s on all succeed.
    const buckets = timeline([[10, 10], [10, 10], [10, 10], [10, 0], [10, 0], [10, 2], [10, 10], [10, 10], [10, 10]]);
    const recovery = measureRecovery(buckets, 5_999, 0.99);
    expect(recovery).toMatchObject({ timeMs: 1, resolutionMs: 1_000 });
    expect(measureRecovery(buckets, 5_001, 0.99)).toMatchObject({ timeMs: 999, resolutionMs: 1_000 });
  });

  it('does not count a single good second among bad ones as recovered', () => {
    const buckets = timeline([[10, 0], [10, 10], [10, 0], [10, 10], [10, 10], [10, 10]]);
    expect(measureRecovery(buckets, 0, 0.99).timeMs).toBe(3_000);
  });

  it('says when the system never came back', () => {
    const buckets = timeline([[10, 0], [10, 0], [10, 9]]);
    expect(measureRecovery(buckets, 0, 0.99).timeMs).toBeUndefined();
  });

  it('judges seconds by the attempts due in them, not by those that merely ended there', () => {
    // Second 5 saw many timeouts end, but every attempt due in it succeeded.
    const buckets = timeline([[10, 10], [10, 10], [10, 10], [10, 10], [10, 0], [10, 10], [10, 10], [10, 10]]).map((bucket) =>
      bucket.second === 5 ? { ...bucket, attempts: 30, succeeded: 10 } : bucket,
    );
    expect(measureRecovery(buckets, 5_000, 0.99).timeMs).toBe(0);
  });
});
