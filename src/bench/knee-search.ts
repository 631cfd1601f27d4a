/**
 * The knee search, pure: which rate to try next, given what the steps so far said. The step
 * itself (load, metrics, SLO verdicts) is a function passed in, so the search is unit-tested over
 * synthetic capacity curves and driven by real gateways in the integration tests.
 *
 * 1. Ramp: start, 2x start, 4x start, ... up to the maximum, until a step fails.
 * 2. Bisection between the highest passing and the lowest failing rate, until they are within
 *    the resolution (relative to the failing rate).
 * A failing step is run once more before it counts (see repeatFailures).
 * 3. Confirmation: the highest passing rate once more. A confirmation that fails makes that rate
 *    the failing bound and the search goes on below it (a knee measured once on a noisy machine
 *    is not a knee). Every loop is bounded by maxSteps.
 *
 * Noise. A step can fail *inconclusively*: it failed, but its measurement was disturbed (the
 * generator's timing slipped, the machine was saturated) by about as much as the failure, so it
 * says nothing about the gateway. Such a rate is tried again (up to maxRepeats more times); if it
 * never fails conclusively it still bounds the bisection from above, but the knee is then not
 * established and the result says `noise` with the range the capacity lies in, never a precise
 * wrong figure. Likewise when runs of one rate disagree (one passed, another failed
 * conclusively) at two or more rates: the gateway did not behave like one gateway.
 */

export type StepPhase = 'ramp' | 'bisect' | 'confirm';

/**
 * Why a step failed: an SLO (`slo:<expression>`), the generator (its CPU was saturated or its
 * schedule slipped, so the gateway was not shown to be the limit), or the achieved rate fell short.
 */
export type StepLimit = `slo:${string}` | 'generator';

export interface StepVerdict {
  readonly passed: boolean;
  /** Set when the step failed. */
  readonly limit?: StepLimit;
  /** The step failed, but a disturbance of its measurement could explain the failure. */
  readonly inconclusive?: boolean;
}

/**
 * What limited the capacity: the failing step's limit, the configured maximum (every step passed
 * up to it), or the step budget (maxSteps ran out before anything failed).
 */
export type LimitedBy = StepLimit | 'max' | 'steps' | 'noise';

export interface KneeSearchOptions {
  readonly startRatePerSecond: number;
  readonly maxRatePerSecond: number;
  /** Stop bisecting when (failing - passing) <= resolution x failing; e.g. 0.05. */
  readonly resolution: number;
  readonly maxSteps: number;
  /** Below this the search gives up and reports capacity 0 (default 0.5/s). */
  readonly minRatePerSecond?: number;
  /**
   * Run a failing step once more before it counts (default true): on a shared machine one bad
   * second (a generator hiccup, a neighbour's burst) is common and is not a knee. The passing
   * side gets its second look from the confirmation step.
   */
  readonly repeatFailures?: boolean;
  /** How many more times an inconclusive failure is run before the rate counts as noisy (default 2). */
  readonly maxRepeats?: number;
  /** Rates whose runs disagree conclusively, from which on the knee is noise (default 2). */
  readonly maxDisagreements?: number;
  readonly signal?: AbortSignal;
}

export interface SearchedStep<T extends StepVerdict> {
  readonly ratePerSecond: number;
  readonly phase: StepPhase;
  readonly verdict: T;
}

export interface KneeSearchResult<T extends StepVerdict> {
  /** The highest offered rate that passed (and, when `confirmed`, passed twice); 0 when none did. */
  readonly capacityPerSecond: number;
  readonly limitedBy: LimitedBy;
  /** The lowest rate that failed, when one did. */
  readonly failingRatePerSecond: number | undefined;
  /** The capacity step was repeated and passed again. */
  readonly confirmed: boolean;
  /** The bounds came within the resolution (or the maximum passed). */
  readonly converged: boolean;
  /** Set when the result is `noise`, or when noise was seen but the knee still stands. */
  readonly noise: SearchNoise | undefined;
  readonly steps: readonly SearchedStep<T>[];
}

/** What made the knee uncertain, and where the capacity lies despite it. */
export interface SearchNoise {
  /** Rates that failed only inconclusively, every time they ran. */
  readonly inconclusiveRates: readonly number[];
  /** Rates at which one run passed and another failed conclusively on an SLO. */
  readonly disagreeingRates: readonly number[];
  /** The capacity is at least this (the highest rate that passed every time it ran)... */
  readonly lowRatePerSecond: number;
  /** ...and below this (the lowest rate that failed conclusively on an SLO; the maximum when none did). */
  readonly highRatePerSecond: number;
}

export type RunStep<T extends StepVerdict> = (ratePerSecond: number, phase: StepPhase, index: number) => Promise<T>;

export async function searchKnee<T extends StepVerdict>(options: KneeSearchOptions, runStep: RunStep<T>): Promise<KneeSearchResult<T>> {
  const { startRatePerSecond: start, maxRatePerSecond: max, resolution, maxSteps } = options;
  const minRate = options.minRatePerSecond ?? 0.5;
  if (!(start > 0) || !(max >= start)) throw new RangeError(`the start rate (${start}) must be above 0 and at most the maximum (${max})`);
  if (!(resolution > 0 && resolution < 1)) throw new RangeError(`the resolution must be between 0 and 1; got ${resolution}`);
  if (!(maxSteps >= 1)) throw new RangeError(`maxSteps must be at least 1; got ${maxSteps}`);

  const steps: SearchedStep<T>[] = [];
  const maxRepeats = options.maxRepeats ?? 2;
  const run = async (rate: number, phase: StepPhase): Promise<T> => {
    options.signal?.throwIfAborted();
    const verdict = await runStep(rate, phase, steps.length);
    steps.push({ ratePerSecond: rate, phase, verdict });
    return verdict;
  };
  const step = async (rate: number, phase: StepPhase): Promise<T> => {
    let verdict = await run(rate, phase);
    if (!verdict.passed && (options.repeatFailures ?? true) && budgetLeft()) verdict = await run(rate, phase);
    // An inconclusive failure is no evidence either way: look again, a bounded number of times.
    for (let repeat = 1; !verdict.passed && verdict.inconclusive && repeat < maxRepeats && budgetLeft(); repeat++) verdict = await run(rate, phase);
    return verdict;
  };
  const budgetLeft = () => steps.length < maxSteps;

  let passing = 0;
  let failing: { rate: number; limit: StepLimit } | undefined;
  let reachedMax = false;

  // 1. Ramp.
  for (let rate = start; budgetLeft(); rate = Math.min(max, rate * 2)) {
    const verdict = await step(rate, 'ramp');
    if (!verdict.passed) {
      failing = { rate, limit: verdict.limit ?? 'generator' };
      break;
    }
    passing = rate;
    if (rate >= max) {
      reachedMax = true;
      break;
    }
  }

  let confirmed = false;
  for (;;) {
    // 2. Bisection.
    while (failing && budgetLeft() && failing.rate - passing > resolution * failing.rate) {
      const rate = roundRate((passing + failing.rate) / 2);
      if (rate < minRate || rate <= passing || rate >= failing.rate) break;
      const verdict = await step(rate, 'bisect');
      if (verdict.passed) passing = rate;
      else failing = { rate, limit: verdict.limit ?? 'generator' };
    }
    // 3. Confirmation.
    if (passing <= 0 || !budgetLeft()) break;
    const verdict = await step(passing, 'confirm');
    if (verdict.passed) {
      confirmed = true;
      break;
    }
    failing = { rate: passing, limit: verdict.limit ?? 'generator' };
    reachedMax = false;
    // The next passing bound: the highest rate below this one that passed every time it ran.
    passing = highestAlwaysPassing(steps, failing.rate);
  }

  const converged = reachedMax || (failing !== undefined && (failing.rate - passing <= resolution * failing.rate || failing.rate <= minRate * 2));
  const noise = assessNoise(steps, passing, max);
  const kneeIsNoise =
    noise !== undefined &&
    (noise.disagreeingRates.length >= (options.maxDisagreements ?? 2) || (failing !== undefined && noise.inconclusiveRates.includes(failing.rate)));
  return {
    capacityPerSecond: passing,
    limitedBy: kneeIsNoise ? 'noise' : failing ? failing.limit : reachedMax ? 'max' : 'steps',
    failingRatePerSecond: failing?.rate,
    confirmed,
    converged,
    noise,
    steps,
  };
}

/** Inconclusive rates and disagreeing runs; undefined when every rate told one story. */
function assessNoise(steps: readonly SearchedStep<StepVerdict>[], passing: number, max: number): SearchNoise | undefined {
  const byRate = new Map<number, StepVerdict[]>();
  for (const step of steps) byRate.set(step.ratePerSecond, [...(byRate.get(step.ratePerSecond) ?? []), step.verdict]);
  const inconclusiveRates: number[] = [];
  const disagreeingRates: number[] = [];
  let lowestConclusiveFailure = Number.POSITIVE_INFINITY;
  for (const [rate, verdicts] of byRate) {
    const passed = verdicts.some((verdict) => verdict.passed);
    // A generator failure says nothing about the gateway: it neither disagrees nor bounds.
    const failedConclusively = verdicts.some(failedOnSlo);
    if (failedConclusively) lowestConclusiveFailure = Math.min(lowestConclusiveFailure, rate);
    if (passed && failedConclusively) disagreeingRates.push(rate);
    if (!passed && !failedConclusively && verdicts.some((verdict) => verdict.inconclusive)) inconclusiveRates.push(rate);
  }
  if (inconclusiveRates.length === 0 && disagreeingRates.length === 0) return undefined;
  const sorted = (rates: number[]) => rates.sort((a, b) => a - b);
  return {
    inconclusiveRates: sorted(inconclusiveRates),
    disagreeingRates: sorted(disagreeingRates),
    lowRatePerSecond: passing,
    highRatePerSecond: Number.isFinite(lowestConclusiveFailure) ? Math.max(lowestConclusiveFailure, passing) : max,
  };
}

/**
 * The next passing bound below `below`: the highest rate whose last run passed and that never
 * failed conclusively on an SLO (a generator failure followed by a pass is the generator's
 * hiccup, not the gateway's verdict).
 */
function highestAlwaysPassing(steps: readonly SearchedStep<StepVerdict>[], below: number): number {
  const lastPassed = new Map<number, boolean>();
  for (const step of steps) lastPassed.set(step.ratePerSecond, step.verdict.passed);
  const refused = new Set(steps.filter((step) => failedOnSlo(step.verdict)).map((step) => step.ratePerSecond));
  return [...lastPassed].filter(([rate, passed]) => passed && rate < below && !refused.has(rate)).reduce((best, [rate]) => Math.max(best, rate), 0);
}

/** The gateway broke an SLO and no disturbance explains it: evidence about the gateway. */
function failedOnSlo(verdict: StepVerdict): boolean {
  return !verdict.passed && !verdict.inconclusive && verdict.limit !== undefined && verdict.limit !== 'generator';
}

/** Whole attempts per second from 20/s up, a tenth below: rates a person can type back. */
export function roundRate(rate: number): number {
  return rate >= 20 ? Math.round(rate) : Math.round(rate * 10) / 10;
}
