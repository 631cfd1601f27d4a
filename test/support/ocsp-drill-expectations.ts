import { expect } from 'vitest';
import type { RunResult } from '../../src/result/index.js';
import { breachedBeyond, healedAtMs, successSince } from './heal-settled.js';

/** Success share of the attempts that ended in each whole second from `fromSecond` to `toSecond` (inclusive). */
export function successBySecond(result: RunResult, fromSecond: number, toSecond: number): number[] {
  return result.timeline
    .filter((bucket) => bucket.second >= fromSecond && bucket.second <= toSecond && bucket.attempts > 0)
    .map((bucket) => bucket.succeeded / bucket.attempts);
}

export interface FailClosedOptions {
  readonly cacheRunsOutBySecond: number;
  readonly minUnavailableRate: number;
  /**
   * On the docker runtime the heal itself takes time on a busy host (a process restarted in its
   * container, iptables rules removed through an exec) and a real partition leaves in-flight OCSP
   * queries to run out their timeout: attempts between the planned heal and that moment count in
   * the recovery phase and can breach the drill's recovery-phase SLO without the system failing
   * to recover (measured 0.983 and 0.84 against 0.99 in CI runs). Then the test asserts what the
   * drill promises from the heal on: success at the target from `settleMs` after the heal
   * began (test/support/heal-settled.ts), and the recovery time, instead of the phase share and the verdict.
   */
  readonly judgeFromCompletedHeal?: { readonly settleMs: number };
}

/**
 * The shape of a hard-fail OCSP outage drill: clean baseline; once the cache has run out
 * (`cacheRunsOutBySecond`) nothing succeeds until the heal; refusals are ocsp_unavailable and
 * never cert_revoked; quick recovery.
 */
export function expectFailClosedOutage(result: RunResult, options: FailClosedOptions): void {
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
  if (options.judgeFromCompletedHeal) {
    const settled = successSince(result, healedAtMs(result) + options.judgeFromCompletedHeal.settleMs);
    expect(settled.attempts, 'attempts after the heal settled').toBeGreaterThan(20);
    expect(settled.successRate).toBeGreaterThanOrEqual(0.99);
    // Every other SLO of the drill holds: only the recovery phase's share may miss its target.
    expect(breachedBeyond(result, ['recovery'])).toEqual([]);
    return;
  }
  expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.99);
  expect(result.verdict).toBe('pass');
}
