import { describeNoise, type BenchNoise } from './bench-noise.js';
import type { KneeSearchResult, LimitedBy } from './knee-search.js';
import type { StepJudgement } from './limit-attribution.js';
import type { StepMeasurement } from './step-measurement.js';

/** 2: limitedBy 'noise', noise, generatorWorkers, minAttempts, and each step's machine, noise and event-loop figures. */
export const BENCH_SCHEMA_VERSION = 2;

/** One step as the JSON has it: what was measured and how it was judged. */
export type BenchStep = StepMeasurement & {
  readonly passed: boolean;
  readonly keptUp: boolean;
  /** Why the step failed, when it did. */
  readonly limit?: string;
  readonly generatorReasons: readonly string[];
  /** The step failed, but by no more than its disturbance (noiseReasons) explains: no evidence about the gateway. */
  readonly inconclusive: boolean;
  /** What disturbed this step's measurement; empty when nothing did. */
  readonly noiseReasons: readonly string[];
};

export interface BenchSettings {
  readonly startRate: number;
  readonly maxRate: number;
  readonly stepMs: number;
  readonly warmupMs: number;
  /** A step at a low rate is stretched until it holds this many measured attempts (see stepDurationMs). */
  readonly minAttempts: number;
  readonly resolution: number;
  readonly maxSteps: number;
  readonly resume: boolean;
  /** Generator worker threads used. */
  readonly workers: number;
  /** Why that many: --workers, every core (the target is not on this machine), or cores - 1 (it is). */
  readonly workersChosenBy: WorkersChoice;
  readonly timeoutMs: number;
  readonly maxInFlight?: number;
}

export type WorkersChoice = 'flag' | 'remote-target' | 'local-target';

/** What `bench --json` prints and `--json-out` writes (schemaVersion 2). */
export interface BenchReport {
  readonly schemaVersion: typeof BENCH_SCHEMA_VERSION;
  readonly target: string;
  /** The lab configuration benched ("ECDSA P-256, chain 2, ..."), for scenarios. */
  readonly configuration?: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly settings: BenchSettings;
  readonly slos: readonly string[];
  /** Attempts per second: the highest offered rate at which every SLO held and the achieved rate kept up. */
  readonly capacity: number;
  /**
   * "at least 120/s" when the generator, not the gateway, was the limit; "between 9/s and 18/s
   * (too noisy to tell)" for noise; "120/s" otherwise.
   */
  readonly capacityText: string;
  /** `noise`: the knee is not established (see noise); capacity is then the range's low end. */
  readonly limitedBy: LimitedBy;
  /** The capacity is a lower bound: the generator, noise, the maximum or the step budget stopped the search. */
  readonly atLeast: boolean;
  /** Why the figure is uncertain and the range it lies in; null when the steps told one story on a steady machine. */
  readonly noise: BenchNoise | null;
  readonly confirmed: boolean;
  readonly converged: boolean;
  /** The lowest offered rate that failed; null when none did. */
  readonly failingRate: number | null;
  /** Why the generator was blamed at the failing rate (empty otherwise). */
  readonly generatorReasons: readonly string[];
  readonly steps: readonly BenchStep[];
}

export interface BenchReportContext {
  readonly target: string;
  readonly configuration?: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly settings: BenchSettings;
  readonly slos: readonly string[];
}

export function toBenchStep(measurement: StepMeasurement, judgement: StepJudgement): BenchStep {
  return {
    ...measurement,
    passed: judgement.passed,
    keptUp: judgement.keptUp,
    ...(judgement.limit ? { limit: judgement.limit } : {}),
    generatorReasons: judgement.generatorReasons,
    inconclusive: judgement.inconclusive === true,
    noiseReasons: judgement.noiseReasons,
  };
}

export function buildBenchReport(context: BenchReportContext, search: KneeSearchResult<StepJudgement & { step: BenchStep }>): BenchReport {
  const atLeast = !search.limitedBy.startsWith('slo:');
  const steps = search.steps.map((step) => step.verdict.step);
  const noise = describeNoise(search.noise, steps, { low: search.capacityPerSecond, high: search.failingRatePerSecond ?? context.settings.maxRate });
  const failing = search.steps.filter((step) => !step.verdict.passed && step.ratePerSecond === search.failingRatePerSecond).at(-1);
  return {
    schemaVersion: BENCH_SCHEMA_VERSION,
    target: context.target,
    ...(context.configuration ? { configuration: context.configuration } : {}),
    startedAt: context.startedAt.toISOString(),
    endedAt: context.endedAt.toISOString(),
    settings: context.settings,
    slos: context.slos,
    capacity: search.capacityPerSecond,
    capacityText: search.limitedBy === 'noise' && noise ? noiseCapacityText(noise) : capacityText(search.capacityPerSecond, atLeast, search.failingRatePerSecond),
    limitedBy: search.limitedBy,
    atLeast,
    noise,
    confirmed: search.confirmed,
    converged: search.converged,
    failingRate: search.failingRatePerSecond ?? null,
    generatorReasons: search.limitedBy === 'generator' ? (failing?.verdict.generatorReasons ?? []) : [],
    steps,
  };
}

function capacityText(capacity: number, atLeast: boolean, failingRate: number | undefined): string {
  if (capacity === 0 && failingRate !== undefined) return `below ${failingRate}/s`;
  return `${atLeast ? 'at least ' : ''}${capacity}/s`;
}

function noiseCapacityText(noise: BenchNoise): string {
  return `${noise.lowRate > 0 ? `between ${noise.lowRate}/s and` : 'below'} ${noise.highRate}/s (too noisy to tell)`;
}
