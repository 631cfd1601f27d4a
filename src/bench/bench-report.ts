import type { KneeSearchResult, LimitedBy } from './knee-search.js';
import type { StepJudgement } from './limit-attribution.js';
import type { StepMeasurement } from './step-measurement.js';

export const BENCH_SCHEMA_VERSION = 1;

/** One step as the JSON has it: what was measured and how it was judged. */
export type BenchStep = StepMeasurement & {
  readonly passed: boolean;
  readonly keptUp: boolean;
  /** Why the step failed, when it did. */
  readonly limit?: string;
  readonly generatorReasons: readonly string[];
};

export interface BenchSettings {
  readonly startRate: number;
  readonly maxRate: number;
  readonly stepMs: number;
  readonly warmupMs: number;
  readonly resolution: number;
  readonly maxSteps: number;
  readonly resume: boolean;
  readonly workers: number;
  readonly timeoutMs: number;
  readonly maxInFlight?: number;
}

/** What `bench --json` writes (schemaVersion 1). */
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
  /** "at least 120/s" when the generator, not the gateway, was the limit; "120/s" otherwise. */
  readonly capacityText: string;
  readonly limitedBy: LimitedBy;
  /** The capacity is a lower bound: the generator, the maximum or the step budget stopped the search. */
  readonly atLeast: boolean;
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
  };
}

export function buildBenchReport(context: BenchReportContext, search: KneeSearchResult<StepJudgement & { step: BenchStep }>): BenchReport {
  const atLeast = !search.limitedBy.startsWith('slo:');
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
    capacityText: capacityText(search.capacityPerSecond, atLeast, search.failingRatePerSecond),
    limitedBy: search.limitedBy,
    atLeast,
    confirmed: search.confirmed,
    converged: search.converged,
    failingRate: search.failingRatePerSecond ?? null,
    generatorReasons: search.limitedBy === 'generator' ? (failing?.verdict.generatorReasons ?? []) : [],
    steps: search.steps.map((step) => step.verdict.step),
  };
}

function capacityText(capacity: number, atLeast: boolean, failingRate: number | undefined): string {
  if (capacity === 0 && failingRate !== undefined) return `below ${failingRate}/s`;
  return `${atLeast ? 'at least ' : ''}${capacity}/s`;
}
