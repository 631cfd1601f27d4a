/**
 * How load is offered, parsed from a scenario or flags (durations and rates are numbers here).
 * Open-loop profiles start attempts on a schedule whatever the gateway does (no coordinated
 * omission); the closed-loop profile keeps N attempts in flight.
 */
export type LoadProfile =
  | { readonly kind: 'constant-rate'; readonly ratePerSecond: number; readonly durationMs: number }
  | {
      readonly kind: 'ramp';
      readonly startRatePerSecond: number;
      /** Each stage moves linearly from the previous rate to `toRatePerSecond` over `durationMs`. */
      readonly stages: readonly { readonly toRatePerSecond: number; readonly durationMs: number }[];
    }
  | { readonly kind: 'concurrency'; readonly concurrency: number; readonly durationMs: number };

/**
 * How many attempts an open-loop profile offers: rate x duration, a trapezoid per ramp stage
 * (the rate moves linearly). Undefined for the closed loop, which keeps attempts in flight for
 * as long as it runs. Below 1 the plan rounds to nothing: a rate or duration too small to mean load.
 */
export function plannedAttempts(profile: LoadProfile): number | undefined {
  if (profile.kind === 'concurrency') return undefined;
  if (profile.kind === 'constant-rate') return (profile.ratePerSecond * profile.durationMs) / 1_000;
  let rate = profile.startRatePerSecond;
  let attempts = 0;
  for (const stage of profile.stages) {
    attempts += ((rate + stage.toRatePerSecond) / 2) * (stage.durationMs / 1_000);
    rate = stage.toRatePerSecond;
  }
  return attempts;
}

export function profileDurationMs(profile: LoadProfile): number {
  return profile.kind === 'ramp'
    ? profile.stages.reduce((total, stage) => total + stage.durationMs, 0)
    : profile.durationMs;
}
