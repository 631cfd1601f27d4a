import type { StepLimit, StepVerdict } from './knee-search.js';
import type { StepMeasurement } from './step-measurement.js';

/** Thresholds of the generator's honesty checks (documented in the README's capacity section). */
export const GENERATOR_LIMITS = {
  /** The achieved rate must reach this share of the offered one. */
  keepUpRatio: 0.95,
  /** More than this share of late starts (see lateStartThresholdMs) means the schedule slipped. */
  lateStartRatio: 0.25,
  /** A worker thread whose event loop was busy this share of the window was saturated. */
  eventLoopUtilization: 0.9,
} as const;

export interface StepJudgement extends StepVerdict {
  /** The achieved rate kept up with the offered one. */
  readonly keptUp: boolean;
  /** Every SLO held. */
  readonly slosHeld: boolean;
  /** Why the generator may have been the limit in this step; empty when it kept up comfortably. */
  readonly generatorReasons: readonly string[];
}

/**
 * A step passes when every SLO held and the achieved rate kept up with the offered one. When it
 * fails, the gateway is blamed (`slo:<expression>`) only if the generator was healthy: a
 * generator that slipped, dropped attempts or ran out of CPU may itself have caused the breach
 * (its delays are in the total latency), so then the limit is `generator` and the capacity can
 * only be stated as "at least".
 */
export function judgeStep(step: StepMeasurement): StepJudgement {
  const reasons: string[] = [];
  // Against the arrivals the window really had: at 9/s a 1 s window holds 9 or 10 of them.
  const plannedRate = step.plannedAttempts / (step.durationMs / 1_000);
  const keptUp = step.achievedRate >= GENERATOR_LIMITS.keepUpRatio * plannedRate;
  if (!keptUp) reasons.push(`achieved ${step.achievedRate}/s of the ${step.offeredRate}/s offered`);
  if (step.generator.dropped > 0) reasons.push(`${step.generator.dropped} attempts dropped at the generator's in-flight bound`);
  const planned = Math.max(step.plannedAttempts, step.attempts);
  if (planned > 0 && step.generator.lateStarts / planned > GENERATOR_LIMITS.lateStartRatio) {
    reasons.push(
      `${step.generator.lateStarts} of ${planned} attempts started more than ${Math.round(step.generator.lateStartThresholdMs)} ms late (at worst ${Math.round(step.generator.maxStartDelayMs)} ms)`,
    );
  }
  if (step.generator.maxEventLoopUtilization >= GENERATOR_LIMITS.eventLoopUtilization) {
    reasons.push(`a generator thread was busy ${Math.round(step.generator.maxEventLoopUtilization * 100)}% of the time`);
  }
  const failedSlo = step.slos.find((slo) => !slo.passed);
  const slosHeld = failedSlo === undefined && step.attempts > 0;
  const passed = slosHeld && keptUp;
  let limit: StepLimit | undefined;
  if (!passed) limit = reasons.length > 0 || !failedSlo ? 'generator' : `slo:${failedSlo.expression}`;
  return { passed, keptUp, slosHeld, generatorReasons: reasons, ...(limit ? { limit } : {}) };
}
