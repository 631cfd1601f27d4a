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

export function profileDurationMs(profile: LoadProfile): number {
  return profile.kind === 'ramp'
    ? profile.stages.reduce((total, stage) => total + stage.durationMs, 0)
    : profile.durationMs;
}
