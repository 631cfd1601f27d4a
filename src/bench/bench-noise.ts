import type { SearchNoise } from './knee-search.js';
import type { StepMeasurement } from './step-measurement.js';

/** The bench JSON's `noise`: why the knee is uncertain and the range the capacity lies in. */
export interface BenchNoise {
  /** Each piece of evidence, in words, naming the rates and the figures. */
  readonly reasons: readonly string[];
  readonly inconclusiveRates: readonly number[];
  readonly disagreeingRates: readonly number[];
  /** The capacity is at least lowRate and below highRate (attempts/s). */
  readonly lowRate: number;
  readonly highRate: number;
}

/** CPU of the machine's other processes (cores) that moved this much during a search changed the machine benched. */
export const LOAD_CHANGE_CORES = 0.75;

interface NoisyStep extends StepMeasurement {
  readonly passed: boolean;
  readonly inconclusive?: boolean;
  readonly noiseReasons: readonly string[];
}

/**
 * The search's noise (inconclusive rates, disagreeing runs) in words, plus a change of the
 * machine's other load between steps, which the search cannot see. Null when there is none.
 */
export function describeNoise(search: SearchNoise | undefined, steps: readonly NoisyStep[], fallback: { low: number; high: number }): BenchNoise | null {
  const reasons: string[] = [];
  for (const rate of search?.inconclusiveRates ?? []) {
    const runs = steps.filter((step) => step.offeredRate === rate);
    const evidence = [...new Set(runs.flatMap((step) => step.noiseReasons))];
    reasons.push(`${rate}/s failed ${runs.length} time${runs.length === 1 ? '' : 's'}, each time by no more than its disturbance explains: ${evidence.join('; ')}`);
  }
  for (const rate of search?.disagreeingRates ?? []) {
    const runs = steps.filter((step) => step.offeredRate === rate);
    reasons.push(`runs at ${rate}/s disagreed: ${runs.map((step) => (step.passed ? 'pass' : `fail (success ${(step.successRate * 100).toFixed(1)}%)`)).join(', ')}`);
  }
  const loadChange = otherLoadChange(steps);
  if (loadChange) reasons.push(loadChange);
  if (reasons.length === 0) return null;
  return {
    reasons,
    inconclusiveRates: search?.inconclusiveRates ?? [],
    disagreeingRates: search?.disagreeingRates ?? [],
    lowRate: search?.lowRatePerSecond ?? fallback.low,
    highRate: search?.highRatePerSecond ?? fallback.high,
  };
}

/**
 * The cores used by everything but the generator and the gateway, per step; a spread of
 * LOAD_CHANGE_CORES or more means the steps did not run on the same machine, in effect.
 */
function otherLoadChange(steps: readonly StepMeasurement[]): string | undefined {
  const other = steps
    .map((step) => {
      if (step.machine.cpuBusyPercent === null) return undefined;
      const total = (step.machine.cpuBusyPercent / 100) * step.machine.cores;
      return { index: step.index, cores: Math.max(0, total - step.generatorCpu.p50 / 100 - (step.gatewayCpu?.p50 ?? 0) / 100) };
    })
    .filter((each) => each !== undefined);
  if (other.length < 2) return undefined;
  const least = other.reduce((a, b) => (b.cores < a.cores ? b : a));
  const most = other.reduce((a, b) => (b.cores > a.cores ? b : a));
  if (most.cores - least.cores < LOAD_CHANGE_CORES) return undefined;
  const cores = (value: number) => value.toFixed(2);
  return `the machine's other processes used ${cores(least.cores)} cores in step ${least.index + 1} and ${cores(most.cores)} in step ${most.index + 1}: its load changed during the search`;
}
