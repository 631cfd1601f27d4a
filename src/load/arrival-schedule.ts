import type { LoadProfile } from './load-profile.js';

type OpenLoopProfile = Extract<LoadProfile, { kind: 'constant-rate' | 'ramp' }>;

/**
 * When each attempt of an open-loop profile is due, in ms since the load started: a pure plan,
 * computed without running (like k6 executors' plans). Due times come from the start, never from
 * the previous attempt, so a late tick cannot shift every later attempt (no drift), and a slow
 * gateway cannot slow the clock (no coordinated omission).
 *
 * A ramp stage moves the rate linearly from r0 to r1 over D seconds, so the expected count by
 * time t is N(t) = r0 t + (r1 - r0) t^2 / 2D; attempt i is due when N(t) = i.
 */
export function* arrivalTimesMs(profile: OpenLoopProfile): Generator<number, void, void> {
  if (profile.kind === 'constant-rate') {
    const intervalMs = 1_000 / profile.ratePerSecond;
    for (let index = 0; ; index += 1) {
      const dueMs = index * intervalMs;
      if (dueMs >= profile.durationMs) return;
      yield dueMs;
    }
  }
  let stageStartMs = 0;
  let stageStartCount = 0;
  let fromRate = profile.startRatePerSecond;
  let index = 0;
  for (const stage of profile.stages) {
    const durationS = stage.durationMs / 1_000;
    const toRate = stage.toRatePerSecond;
    const stageCount = ((fromRate + toRate) / 2) * durationS;
    const curvature = durationS > 0 ? (toRate - fromRate) / (2 * durationS) : 0;
    for (; index < stageStartCount + stageCount; index += 1) {
      const n = Math.max(0, index - stageStartCount);
      const offsetS =
        Math.abs(curvature) < 1e-12
          ? n / fromRate
          : (-fromRate + Math.sqrt(Math.max(0, fromRate * fromRate + 4 * curvature * n))) / (2 * curvature);
      const dueMs = stageStartMs + offsetS * 1_000;
      if (dueMs >= stageStartMs + stage.durationMs) break;
      yield dueMs;
    }
    stageStartMs += stage.durationMs;
    stageStartCount += stageCount;
    fromRate = toRate;
  }
}

/** The highest rate the profile asks for, to size the in-flight bound. */
export function peakRatePerSecond(profile: LoadProfile): number {
  if (profile.kind === 'constant-rate') return profile.ratePerSecond;
  if (profile.kind === 'ramp') return Math.max(profile.startRatePerSecond, ...profile.stages.map((stage) => stage.toRatePerSecond));
  return 0;
}
