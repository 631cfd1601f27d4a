import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import type { ErrorCategory } from '../../src/metrics/index.js';
import type { RunResult } from '../../src/result/index.js';
import { runScenario, type RunOutcome } from '../../src/run/index.js';
import { validateScenario } from '../../src/scenario/index.js';

type Phase = 'baseline' | 'fault' | 'recovery';

/** Share of a phase's attempts that ended in `category`. */
export function phaseRate(result: RunResult, phase: Phase, category: ErrorCategory): number {
  const measured = result.byPhase[phase];
  if (!measured || measured.attempts === 0) throw new Error(`no attempts in the ${phase} phase`);
  return measured.categories[category] / measured.attempts;
}

/** What every certificate-lifecycle drill shares: clean baseline, one fault injected and healed, a verdict that matches the exit code. */
export function expectLifecycleRun(outcome: RunOutcome, kind: string): RunResult {
  const { result, exitCode } = outcome;
  expect(result.status).toBe('completed');
  expect(result.faults).toHaveLength(1);
  expect(result.faults[0]).toMatchObject({ kind });
  expect(result.faults[0]!.error).toBeUndefined();
  expect(result.faults[0]!.injectedAtMs).toBeDefined();
  expect(result.faults[0]!.healedAtMs).toBeDefined();
  expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.999);
  expect(exitCode).toBe(result.verdict === 'pass' ? 0 : 1);
  return result;
}

/** Runs a scenario written inline (a variant of a drill), for real, reports in a temp folder. */
export async function runInlineScenario(raw: Record<string, unknown>): Promise<RunOutcome> {
  const outDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-inline-'));
  onTestFinished(() => rm(outDir, { recursive: true, force: true }));
  const scenario = validateScenario(raw, join(outDir, `${String(raw.name)}.ts`));
  return runScenario(scenario, { outDir, signal: new AbortController().signal });
}

/** An aborted run (Ctrl-C mid-fault): healed fault, aborted result on disk, no process left. */
export function expectAbortedMidFault(outcome: RunOutcome): void {
  const { result, exitCode } = outcome;
  expect(exitCode).toBe(130);
  expect(result.status).toBe('aborted');
  expect(result.faults[0]!.injectedAtMs).toBeDefined();
  expect(result.faults[0]!.healedAtMs).toBeDefined();
  expect(result.faults[0]!.error).toBeUndefined();
  for (const component of result.lab.components) {
    if (component.pid !== undefined) expect(() => process.kill(component.pid!, 0)).toThrow();
  }
}
