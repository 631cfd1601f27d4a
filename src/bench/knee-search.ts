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
}

/**
 * What limited the capacity: the failing step's limit, the configured maximum (every step passed
 * up to it), or the step budget (maxSteps ran out before anything failed).
 */
export type LimitedBy = StepLimit | 'max' | 'steps';

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
  readonly steps: readonly SearchedStep<T>[];
}

export type RunStep<T extends StepVerdict> = (ratePerSecond: number, phase: StepPhase, index: number) => Promise<T>;

export async function searchKnee<T extends StepVerdict>(options: KneeSearchOptions, runStep: RunStep<T>): Promise<KneeSearchResult<T>> {
  const { startRatePerSecond: start, maxRatePerSecond: max, resolution, maxSteps } = options;
  const minRate = options.minRatePerSecond ?? 0.5;
  if (!(start > 0) || !(max >= start)) throw new RangeError(`the start rate (${start}) must be above 0 and at most the maximum (${max})`);
  if (!(resolution > 0 && resolution < 1)) throw new RangeError(`the resolution must be between 0 and 1; got ${resolution}`);
  if (!(maxSteps >= 1)) throw new RangeError(`maxSteps must be at least 1; got ${maxSteps}`);

  const steps: SearchedStep<T>[] = [];
  const step = async (rate: number, phase: StepPhase): Promise<T> => {
    options.signal?.throwIfAborted();
    let verdict = await runStep(rate, phase, steps.length);
    steps.push({ ratePerSecond: rate, phase, verdict });
    if (!verdict.passed && (options.repeatFailures ?? true) && budgetLeft()) {
      options.signal?.throwIfAborted();
      verdict = await runStep(rate, phase, steps.length);
      steps.push({ ratePerSecond: rate, phase, verdict });
    }
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
  return {
    capacityPerSecond: passing,
    limitedBy: failing ? failing.limit : reachedMax ? 'max' : 'steps',
    failingRatePerSecond: failing?.rate,
    confirmed,
    converged,
    steps,
  };
}

function highestAlwaysPassing(steps: readonly SearchedStep<StepVerdict>[], below: number): number {
  const failed = new Set(steps.filter((step) => !step.verdict.passed).map((step) => step.ratePerSecond));
  const candidates = steps.filter((step) => step.verdict.passed && step.ratePerSecond < below && !failed.has(step.ratePerSecond));
  return candidates.reduce((best, step) => Math.max(best, step.ratePerSecond), 0);
}

/** Whole attempts per second from 20/s up, a tenth below: rates a person can type back. */
export function roundRate(rate: number): number {
  return rate >= 20 ? Math.round(rate) : Math.round(rate * 10) / 10;
}
