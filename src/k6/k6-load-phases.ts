import { FaultTimeline } from '../faults/index.js';
import type { LoadProfile } from '../load/index.js';
import type { Phase } from '../metrics/index.js';
import type { Scenario } from '../scenario/index.js';

/**
 * The scenario's load as k6 scenarios, one per drill phase (baseline, fault, recovery) on the
 * planned fault timeline, each tagged with its phase so that thresholds, outputs and `import k6`
 * can split the results. k6 starts each one at its `startTime`, so together they replay the
 * drill's load curve: open-loop rates become arrival-rate executors (k6 starts iterations on
 * schedule whatever the gateway does, as our open loop does), concurrency becomes constant VUs.
 */
export interface K6LoadPhase {
  /** The k6 scenario's name: the phase, numbered when a phase comes back (fault_2). */
  readonly name: string;
  readonly phase: Phase;
  readonly startMs: number;
  readonly endMs: number;
  /** A plain object shaped like @types/k6's Scenario, rendered into the script as is. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** k6 needs integer rates: the time unit that makes every rate of the drill an integer. */
export interface K6RateUnit {
  readonly timeUnitSeconds: number;
}

const RATE_UNITS = [1, 10, 100, 1_000];
/** An arrival-rate executor needs VUs ready for the iterations in flight: rate x latency. */
const PREALLOCATED_SECONDS = 0.2;
const MAX_VUS = 10_000;

export function k6LoadPhases(scenario: Scenario): K6LoadPhase[] {
  const profile = scenario.load.profile;
  const durationMs = scenario.load.durationMs;
  const windows = new FaultTimeline(scenario.faults).phaseWindows(durationMs);
  const seen = new Map<Phase, number>();
  const unit = rateUnit(profile);
  const gracefulStop = k6Duration(scenario.load.timeoutMs);
  return windows.map((window) => {
    const count = (seen.get(window.phase) ?? 0) + 1;
    seen.set(window.phase, count);
    const common = {
      startTime: k6Duration(window.startMs),
      // Iterations running at the phase's end may finish for one attempt timeout, no longer.
      gracefulStop,
      tags: { phase: window.phase },
    };
    return {
      name: count === 1 ? window.phase : `${window.phase}_${count}`,
      phase: window.phase,
      startMs: window.startMs,
      endMs: window.endMs,
      config: { ...executorFor(profile, window.startMs, window.endMs, unit, scenario.load.timeoutMs), ...common },
    };
  });
}

function executorFor(profile: LoadProfile, startMs: number, endMs: number, unit: K6RateUnit, timeoutMs: number): Record<string, unknown> {
  const duration = k6Duration(endMs - startMs);
  const timeUnit = `${unit.timeUnitSeconds}s`;
  const perUnit = (ratePerSecond: number) => Math.round(ratePerSecond * unit.timeUnitSeconds);
  switch (profile.kind) {
    case 'concurrency':
      return { executor: 'constant-vus', vus: profile.concurrency, duration };
    case 'constant-rate':
      return {
        executor: 'constant-arrival-rate',
        rate: perUnit(profile.ratePerSecond),
        timeUnit,
        duration,
        ...vusFor(profile.ratePerSecond, timeoutMs),
      };
    case 'ramp': {
      const points = rampPoints(profile);
      const rateAt = (ms: number) => interpolate(points, ms);
      const inside = points.filter((point) => point.atMs > startMs && point.atMs < endMs).map((point) => point.atMs);
      const cuts = [startMs, ...inside, endMs];
      const stages = cuts.slice(1).map((atMs, index) => ({ target: perUnit(rateAt(atMs)), duration: k6Duration(atMs - (cuts[index] as number)) }));
      const peak = Math.max(...cuts.map(rateAt));
      return { executor: 'ramping-arrival-rate', startRate: perUnit(rateAt(startMs)), timeUnit, stages, ...vusFor(peak, timeoutMs) };
    }
  }
}

function vusFor(ratePerSecond: number, timeoutMs: number): { preAllocatedVUs: number; maxVUs: number } {
  const preAllocatedVUs = Math.min(MAX_VUS, Math.max(1, Math.ceil(ratePerSecond * PREALLOCATED_SECONDS)));
  // Enough VUs for every attempt of one timeout to be in flight: the same bound our open loop has.
  const maxVUs = Math.min(MAX_VUS, Math.max(preAllocatedVUs, Math.ceil((ratePerSecond * timeoutMs) / 1_000) + 1));
  return { preAllocatedVUs, maxVUs };
}

function rampPoints(profile: Extract<LoadProfile, { kind: 'ramp' }>): { atMs: number; rate: number }[] {
  const points = [{ atMs: 0, rate: profile.startRatePerSecond }];
  let atMs = 0;
  for (const stage of profile.stages) {
    atMs += stage.durationMs;
    points.push({ atMs, rate: stage.toRatePerSecond });
  }
  return points;
}

function interpolate(points: readonly { atMs: number; rate: number }[], ms: number): number {
  for (let index = 1; index < points.length; index++) {
    const from = points[index - 1]!;
    const to = points[index]!;
    if (ms <= to.atMs) return to.atMs === from.atMs ? to.rate : from.rate + ((to.rate - from.rate) * (ms - from.atMs)) / (to.atMs - from.atMs);
  }
  return points.at(-1)?.rate ?? 0;
}

/** The smallest k6 time unit (1s, 10s, 100s, 1000s) in which every rate of the profile is whole. */
export function rateUnit(profile: LoadProfile): K6RateUnit {
  const rates =
    profile.kind === 'constant-rate'
      ? [profile.ratePerSecond]
      : profile.kind === 'ramp'
        ? [profile.startRatePerSecond, ...profile.stages.map((stage) => stage.toRatePerSecond)]
        : [];
  const whole = (value: number) => Math.abs(value - Math.round(value)) < 1e-9;
  const timeUnitSeconds = RATE_UNITS.find((seconds) => rates.every((rate) => whole(rate * seconds))) ?? RATE_UNITS.at(-1)!;
  return { timeUnitSeconds };
}

/** k6 durations are Go durations: "30s", "1500ms". */
export function k6Duration(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  return rounded % 1_000 === 0 ? `${rounded / 1_000}s` : `${rounded}ms`;
}
