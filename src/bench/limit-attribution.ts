import type { StepLimit, StepVerdict } from './knee-search.js';
import type { SloVerdict } from '../result/index.js';
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

/** Thresholds of the noise checks: what disturbs a step's measurement without failing the generator. */
export const NOISE_LIMITS = {
  /**
   * A stall of the generator (an attempt's late start, or its event loop running late) from this
   * long, or half an arrival interval when that is longer, moves arrivals: they bunch, and a
   * gateway that counts connections per window sees more of them at once than were offered.
   */
  stallMs: 20,
  /** Steal time from this share (percent of all cores) means the hypervisor was taking CPU. */
  stealPercent: 5,
  /** A machine this busy (percent of all cores) ran every process, the gateway too, in turns. */
  busyPercent: 95,
} as const;

export interface StepJudgement extends StepVerdict {
  /** The achieved rate kept up with the offered one. */
  readonly keptUp: boolean;
  /** Every SLO held. */
  readonly slosHeld: boolean;
  /** Why the generator may have been the limit in this step; empty when it kept up comfortably. */
  readonly generatorReasons: readonly string[];
  /** What disturbed the measurement (a stall of the generator, steal, a saturated machine); empty when nothing did. */
  readonly noiseReasons: readonly string[];
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
  const failedSlos = step.slos.filter((slo) => !slo.passed);
  const failedSlo = failedSlos[0];
  const slosHeld = failedSlo === undefined && step.attempts > 0;
  const passed = slosHeld && keptUp;
  let limit: StepLimit | undefined;
  if (!passed) limit = reasons.length > 0 || !failedSlo ? 'generator' : `slo:${failedSlo.expression}`;
  const disturbance = measureDisturbance(step);
  // An SLO breach the disturbance could have caused by itself says nothing about the gateway.
  const inconclusive = limit !== undefined && limit !== 'generator' && disturbance.stallMs > 0 && failedSlos.every((slo) => withinDisturbance(slo, step, disturbance.stallMs));
  return { passed, keptUp, slosHeld, generatorReasons: reasons, noiseReasons: disturbance.reasons, ...(limit ? { limit } : {}), ...(inconclusive ? { inconclusive } : {}) };
}

/**
 * How long the generator stalled in this step (0 when it never stalled past NOISE_LIMITS.stallMs),
 * and every sign of a disturbed measurement. Steal counts as a stall of the threshold's length
 * at least: the hypervisor stopped someone, and the generator may not have noticed.
 */
export function measureDisturbance(step: StepMeasurement): { stallMs: number; reasons: string[] } {
  const reasons: string[] = [];
  const thresholdMs = Math.max(NOISE_LIMITS.stallMs, 500 / step.offeredRate);
  const stallMs = Math.max(step.generator.maxStartDelayMs, step.generator.eventLoopDelayMaxMs);
  let disturbedMs = 0;
  if (stallMs >= thresholdMs) {
    disturbedMs = stallMs;
    reasons.push(
      `the generator stalled up to ${Math.round(stallMs)} ms (an attempt started ${Math.round(step.generator.maxStartDelayMs)} ms late; event loop late by up to ${Math.round(step.generator.eventLoopDelayMaxMs)} ms)`,
    );
  }
  const { stealPercent, cpuBusyPercent } = step.machine;
  if (stealPercent !== null && stealPercent >= NOISE_LIMITS.stealPercent) {
    disturbedMs = Math.max(disturbedMs, thresholdMs);
    reasons.push(`the hypervisor took ${stealPercent}% of the CPU (steal)`);
  }
  if (cpuBusyPercent !== null && cpuBusyPercent >= NOISE_LIMITS.busyPercent && reasons.length > 0) {
    reasons.push(`the machine's ${step.machine.cores} cores were ${cpuBusyPercent}% busy`);
  }
  return { stallMs: disturbedMs, reasons };
}

/**
 * Whether a failed SLO missed by no more than a stall of `stallMs` could explain: for the success
 * or error rate, no more failures beyond its allowance than arrivals the stall could bunch (at least one);
 * for a latency bound, by no more than the stall itself. Other SLOs: never.
 */
function withinDisturbance(slo: SloVerdict, step: StepMeasurement, stallMs: number): boolean {
  if (slo.measured === undefined) return false;
  const allowedShare = slo.metric === 'success.rate' && (slo.operator === '>=' || slo.operator === '>') ? 1 - slo.threshold : slo.metric === 'error.rate' && (slo.operator === '<=' || slo.operator === '<') ? slo.threshold : undefined;
  if (allowedShare !== undefined) {
    const allowedFailures = Math.floor(allowedShare * step.attempts);
    const excess = step.attempts - step.succeeded - allowedFailures;
    return excess <= Math.max(1, Math.ceil((step.offeredRate * stallMs) / 1_000));
  }
  if (slo.unit === 'ms' && (slo.operator === '<' || slo.operator === '<=')) return slo.measured - slo.threshold <= stallMs;
  return false;
}
