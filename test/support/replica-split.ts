import { expect } from 'vitest';
import type { RunResult } from '../../src/result/index.js';

/**
 * Asserts a stale-replica outcome from a run's result: every attempt attributed to one of the
 * replicas (round-robin: about a third each), the reached replicas never failed, and every
 * failure of the run is `category` on the stale replica, about 1/N of the fault phase.
 */
export function expectStaleReplicaSplit(
  result: RunResult,
  options: {
    readonly stale: string;
    readonly reached: readonly string[];
    readonly category: 'unknown_ca';
    /** Least recovery-phase success; 0.99 unless the heal's reload is slow (haproxy re-executes its master). */
    readonly recoveryRate?: number;
  },
): void {
  const replicas = Object.keys(result.byReplica).sort();
  expect(replicas).toEqual([...options.reached, options.stale].sort());
  const attributed = Object.values(result.byReplica).reduce((total, replica) => total + replica.attempts, 0);
  expect(attributed).toBe(result.summary.attempts);
  for (const replica of Object.values(result.byReplica)) {
    expect(replica.attempts).toBeGreaterThanOrEqual(Math.floor(result.summary.attempts / replicas.length) - 2);
  }
  for (const name of options.reached) {
    expect(result.byReplica[name]!.successRate, `${name} should not fail`).toBe(1);
  }
  const stale = result.byReplica[options.stale]!;
  const failed = result.summary.attempts - result.summary.succeeded;
  expect(failed).toBeGreaterThan(0);
  expect(stale.categories[options.category]).toBe(failed);
  expect(result.summary.categories[options.category]).toBe(failed);
  expect(stale.attempts - stale.succeeded).toBe(failed);

  const fault = result.byPhase.fault!;
  expect(fault.successRate).toBeGreaterThanOrEqual(0.55);
  expect(fault.successRate).toBeLessThanOrEqual(0.8);
  expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.999);
  expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(options.recoveryRate ?? 0.99);
  expect(result.recovery?.timeMs).toBeLessThan(3_000);
}
