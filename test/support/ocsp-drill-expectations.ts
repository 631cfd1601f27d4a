import { expect } from 'vitest';
import type { RunResult } from '../../src/result/index.js';

/** Success share of the attempts that ended in each whole second from `fromSecond` to `toSecond` (inclusive). */
export function successBySecond(result: RunResult, fromSecond: number, toSecond: number): number[] {
  return result.timeline
    .filter((bucket) => bucket.second >= fromSecond && bucket.second <= toSecond && bucket.attempts > 0)
    .map((bucket) => bucket.succeeded / bucket.attempts);
}

/**
 * The shape of a hard-fail OCSP outage drill: clean baseline; once the cache has run out
 * (`cacheRunsOutBySecond`) nothing succeeds until the heal; refusals are ocsp_unavailable and
 * never cert_revoked; quick recovery.
 */
export function expectFailClosedOutage(result: RunResult, options: { cacheRunsOutBySecond: number; minUnavailableRate: number }): void {
  const fault = result.byPhase.fault!;
  expect(result.status).toBe('completed');
  expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.999);
  expect(fault.categories.ocsp_unavailable / fault.attempts).toBeGreaterThanOrEqual(options.minUnavailableRate);
  expect(fault.categories.cert_revoked).toBe(0);
  // The fault ends at 12 s: the seconds after the cache ran out and before the heal are all refused.
  const outage = successBySecond(result, options.cacheRunsOutBySecond, 11);
  expect(outage.length).toBeGreaterThan(0);
  for (const share of outage) expect(share).toBe(0);
  expect(result.recovery?.timeMs).toBeLessThan(5_000);
  expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.99);
  expect(result.verdict).toBe('pass');
}
