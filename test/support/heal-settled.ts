import { expect } from 'vitest';
import type { RunResult } from '../../src/result/index.js';

/** Attempts and success share over the whole seconds that start at or after `fromMs` (ms after the load's start). */
export function successSince(result: RunResult, fromMs: number): { attempts: number; successRate: number } {
  const buckets = result.timeline.filter((bucket) => bucket.second * 1_000 >= fromMs);
  const attempts = buckets.reduce((total, bucket) => total + bucket.attempts, 0);
  const succeeded = buckets.reduce((total, bucket) => total + bucket.succeeded, 0);
  return { attempts, successRate: attempts > 0 ? succeeded / attempts : 0 };
}

/**
 * Attempts due in the whole seconds from `fromMs` until `toMs` (ms after the load's start), by
 * the second they were due rather than ended, and their success share: on a loaded machine an
 * attempt can take a second or more, and one that began before a fault's effect and ended in its
 * window counts in the fault phase (src/faults/fault-timeline.ts, phaseOfAttempt).
 */
export function successOfDue(result: RunResult, fromMs: number, toMs = Number.POSITIVE_INFINITY): { attempts: number; successRate: number } {
  const buckets = result.timeline.filter((bucket) => bucket.second * 1_000 >= fromMs && (bucket.second + 1) * 1_000 <= toMs);
  const attempts = buckets.reduce((total, bucket) => total + (bucket.startedAttempts ?? bucket.attempts), 0);
  const succeeded = buckets.reduce((total, bucket) => total + (bucket.startedSucceeded ?? bucket.succeeded), 0);
  return { attempts, successRate: attempts > 0 ? succeeded / attempts : 0 };
}

/** When the fault's own work ended, from the line in which it times it (`took` captures the ms), counted from `startedAtMs`. */
export function timedByLog(logs: readonly string[], took: RegExp, startedAtMs: number): number {
  const timed = logs.map((line) => took.exec(line)).filter((match) => match !== null);
  expect(timed.length, `a log line matching ${took}`).toBeGreaterThan(0);
  return startedAtMs + Number(timed.at(-1)![1]);
}

/**
 * The breached SLOs of a run outside the phase scopes `scopes`, as "scope: expression". Phases
 * follow the planned fault times (src/faults/fault-timeline.ts), so on a loaded machine, where an
 * inject or a heal (an nginx reload: 1.7-3 s beside CPU hogs, ~0.3 s quiet) and the attempts
 * themselves are slow, a phase's share can miss its SLO though the system did what it should as
 * soon as the fault's own work was done; a test that judged those phases by due times and the
 * fault's own timing lets their shares go, and every other SLO must hold.
 */
export function breachedBeyond(result: RunResult, scopes: readonly ('fault' | 'recovery')[]): string[] {
  return result.slos.filter((slo) => !slo.passed && !scopes.includes(slo.scope as 'fault' | 'recovery')).map((slo) => `${slo.scope}: ${slo.expression}`);
}

/**
 * When the last fault's heal began, in ms after the load's start (FaultRecord.healedAtMs is
 * stamped before the heal's own work: src/faults/fault-timeline.ts). The test fails when a fault
 * never healed.
 */
export function healedAtMs(result: RunResult): number {
  const healed = result.faults.map((fault) => fault.healedAtMs);
  expect(healed.every((ms) => ms !== undefined), 'every fault healed').toBe(true);
  return Math.max(...(healed as number[]));
}

/**
 * When the last heal's own work ended, from the line in which the fault times it (`took` captures
 * the milliseconds, e.g. stale-replicas' "every replica up to date in 1671 ms"); `logs` are the
 * run's log lines (runDrill's onLog).
 */
export function healCompletedAtMs(result: RunResult, logs: readonly string[], took: RegExp): number {
  return timedByLog(logs, took, healedAtMs(result));
}
