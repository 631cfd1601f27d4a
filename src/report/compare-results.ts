import { ERROR_CATEGORIES } from '../metrics/index.js';
import type { MetricsSummary, RunResult, SloVerdict } from '../result/run-result.js';

/**
 * Compares a candidate run with a baseline run of the same drill (nightly CI: tonight against last
 * night). Pure: two results in, a list of changes out, each flagged when it is a regression.
 *
 * Two kinds of metric, two kinds of tolerance:
 * - magnitudes (latency percentiles, attempts/s, gateway CPU) regress when they get worse by more
 *   than `tolerance` relative to the baseline, and by more than a small absolute floor, so that
 *   0.4 ms -> 0.5 ms (25%) on an idle loopback is not a red build;
 * - ratios (success rate, share of each failure category) regress when they get worse by more
 *   than `rateTolerance` in absolute terms (0.01 = one percentage point): relative change of a
 *   rate near 100% or near 0% says little.
 * An SLO that passed in the baseline and fails in the candidate (or a new SLO that fails) is a
 * regression whatever the tolerances.
 */
export interface CompareOptions {
  /** Relative, e.g. 0.1 for 10%. */
  readonly tolerance: number;
  /** Absolute, on ratios 0..1, e.g. 0.01 for one percentage point. */
  readonly rateTolerance: number;
}

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = { tolerance: 0.1, rateTolerance: 0.01 };

export type MetricUnit = 'ms' | 'ratio' | 'per_second' | 'percent';

export interface MetricChange {
  /** Stable key, e.g. "handshake.p95", "success.rate", "category.cert_expired.rate". */
  readonly metric: string;
  readonly unit: MetricUnit;
  /** Which way is better. */
  readonly better: 'higher' | 'lower';
  readonly baseline?: number;
  readonly candidate?: number;
  /** candidate - baseline, in the metric's unit. */
  readonly delta?: number;
  /** delta / baseline; undefined when the baseline is 0 or either side is missing. */
  readonly relativeChange?: number;
  readonly regressed: boolean;
  /** Why it is (or is not) compared, when that needs saying. */
  readonly note?: string;
  /** How finely both sides are known (recovery.time: one-second buckets); differences below it are not changes. */
  readonly resolutionMs?: number;
}

export type SloSide = Pick<SloVerdict, 'passed' | 'measured' | 'resolutionMs'>;

export type SloChangeKind = 'still passing' | 'still failing' | 'fixed' | 'broke' | 'new, passing' | 'new, failing' | 'removed';

export interface SloChange {
  readonly expression: string;
  readonly scope: SloVerdict['scope'];
  readonly unit: SloVerdict['unit'];
  readonly baseline?: SloSide;
  readonly candidate?: SloSide;
  readonly change: SloChangeKind;
  readonly regressed: boolean;
}

export interface RunIdentity {
  readonly scenario: string;
  readonly startedAt: string;
  readonly status: RunResult['status'];
  readonly verdict: RunResult['verdict'];
}

export interface Comparison {
  readonly baseline: RunIdentity;
  readonly candidate: RunIdentity;
  readonly options: CompareOptions;
  readonly metrics: readonly MetricChange[];
  readonly slos: readonly SloChange[];
  /** How many metrics and SLOs regressed; non-zero fails `mtls-chaos compare` (exit 1). */
  readonly regressions: number;
  /** Things that make the comparison weaker (different drills, a run that did not complete). */
  readonly warnings: readonly string[];
}

/** Floors under which a relative change is noise (see CompareOptions). */
const ABSOLUTE_FLOOR: Record<Exclude<MetricUnit, 'ratio'>, number> = { ms: 1, per_second: 1, percent: 5 };

export function compareResults(baseline: RunResult, candidate: RunResult, options: CompareOptions = DEFAULT_COMPARE_OPTIONS): Comparison {
  const metrics = [...magnitudeChanges(baseline, candidate, options), ...rateChanges(baseline.summary, candidate.summary, options)];
  const slos = sloChanges(baseline.slos, candidate.slos);
  const warnings: string[] = [];
  if (baseline.scenario.name !== candidate.scenario.name) {
    warnings.push(`the runs are of different drills (${baseline.scenario.name} vs ${candidate.scenario.name}): figures compare, SLOs match by expression`);
  }
  for (const [label, result] of [['baseline', baseline], ['candidate', candidate]] as const) {
    if (result.status !== 'completed') warnings.push(`the ${label} run was ${result.status}: its figures cover only part of the drill`);
  }
  if (baseline.load.profile !== candidate.load.profile) {
    warnings.push(`the load differs (${baseline.load.profile} vs ${candidate.load.profile})`);
  }
  const regressions = metrics.filter((change) => change.regressed).length + slos.filter((change) => change.regressed).length;
  return { baseline: identity(baseline), candidate: identity(candidate), options, metrics, slos, regressions, warnings };
}

function identity(result: RunResult): RunIdentity {
  return { scenario: result.scenario.name, startedAt: result.startedAt, status: result.status, verdict: result.verdict };
}

function magnitudeChanges(baseline: RunResult, candidate: RunResult, options: CompareOptions): MetricChange[] {
  const latencies: MetricChange[] = [];
  for (const [prefix, key] of [['handshake', 'tlsHandshake'], ['total', 'total']] as const) {
    for (const percentile of ['p50', 'p95', 'p99'] as const) {
      const before = baseline.summary.latency[key];
      const after = candidate.summary.latency[key];
      latencies.push(
        magnitude(`${prefix}.${percentile}`, 'ms', 'lower', before.count > 0 ? before[percentile] : undefined, after.count > 0 ? after[percentile] : undefined, options),
      );
    }
  }
  const gatewayCpu = (result: RunResult) => (result.cpu.gateway && result.cpu.gateway.samples.length > 0 ? result.cpu.gateway.p95 : undefined);
  return [
    ...latencies,
    magnitude('attempts.rate', 'per_second', 'higher', baseline.summary.attemptsPerSecond, candidate.summary.attemptsPerSecond, options),
    magnitude('gateway.cpu.p95', 'percent', 'lower', gatewayCpu(baseline), gatewayCpu(candidate), options),
    ...recoveryChange(baseline, candidate, options),
  ];
}

/**
 * recovery.time, when either run measured a recovery. It is known to a one-second step (see
 * src/metrics/recovery.ts): two recoveries under one step are the same ("< 1 s" both), and a
 * slower one regresses only by more than the step as well as the tolerance. A candidate that
 * never came back where the baseline did is a regression.
 */
function recoveryChange(baseline: RunResult, candidate: RunResult, options: CompareOptions): MetricChange[] {
  if (!baseline.recovery && !candidate.recovery) return [];
  const before = baseline.recovery?.timeMs;
  const after = candidate.recovery?.timeMs;
  const resolutionMs = Math.max(baseline.recovery?.resolutionMs ?? 0, candidate.recovery?.resolutionMs ?? 0);
  const step = resolutionMs > 0 ? { resolutionMs } : {};
  if (before !== undefined && candidate.recovery && after === undefined) {
    return [{ metric: 'recovery.time', unit: 'ms', better: 'lower', baseline: before, regressed: true, note: 'the candidate never recovered before its run ended', ...step }];
  }
  if (before !== undefined && after !== undefined && before < resolutionMs && after < resolutionMs) {
    return [{ metric: 'recovery.time', unit: 'ms', better: 'lower', baseline: before, candidate: after, regressed: false, note: 'same: both within one step of the measurement', ...step }];
  }
  return [{ ...magnitude('recovery.time', 'ms', 'lower', before, after, options, resolutionMs), ...step }];
}

function magnitude(
  metric: string,
  unit: Exclude<MetricUnit, 'ratio'>,
  better: 'higher' | 'lower',
  baseline: number | undefined,
  candidate: number | undefined,
  options: CompareOptions,
  /** A larger absolute floor: the step the metric is measured in. */
  stepFloor = 0,
): MetricChange {
  if (baseline === undefined || candidate === undefined) {
    return { metric, unit, better, ...defined({ baseline, candidate }), regressed: false, note: 'not measured in both runs' };
  }
  const delta = candidate - baseline;
  const relativeChange = baseline === 0 ? undefined : delta / baseline;
  const worse = better === 'lower' ? delta : -delta;
  const beyondTolerance = baseline === 0 ? worse > 0 : worse / Math.abs(baseline) > options.tolerance;
  const regressed = beyondTolerance && worse > Math.max(ABSOLUTE_FLOOR[unit], stepFloor);
  return { metric, unit, better, baseline, candidate, delta, ...defined({ relativeChange }), regressed };
}

function rateChanges(baseline: MetricsSummary, candidate: MetricsSummary, options: CompareOptions): MetricChange[] {
  const share = (summary: MetricsSummary, count: number) => (summary.attempts === 0 ? undefined : count / summary.attempts);
  const changes = [rate('success.rate', 'higher', share(baseline, baseline.succeeded), share(candidate, candidate.succeeded), options)];
  for (const category of ERROR_CATEGORIES) {
    if (category === 'ok') continue;
    if (baseline.categories[category] === 0 && candidate.categories[category] === 0) continue;
    changes.push(rate(`category.${category}.rate`, 'lower', share(baseline, baseline.categories[category]), share(candidate, candidate.categories[category]), options));
  }
  return changes;
}

function rate(metric: string, better: 'higher' | 'lower', baseline: number | undefined, candidate: number | undefined, options: CompareOptions): MetricChange {
  if (baseline === undefined || candidate === undefined) {
    return { metric, unit: 'ratio', better, ...defined({ baseline, candidate }), regressed: false, note: 'no attempts in one of the runs' };
  }
  const delta = candidate - baseline;
  const worse = better === 'lower' ? delta : -delta;
  // A hair over the tolerance, not a floating-point artefact of it.
  const regressed = worse > options.rateTolerance + 1e-12;
  return { metric, unit: 'ratio', better, baseline, candidate, delta, ...defined({ relativeChange: baseline === 0 ? undefined : delta / baseline }), regressed };
}

function sloChanges(baseline: readonly SloVerdict[], candidate: readonly SloVerdict[]): SloChange[] {
  const key = (slo: SloVerdict) => `${slo.scope}\u0000${slo.expression}`;
  const before = new Map(baseline.map((slo) => [key(slo), slo]));
  const changes: SloChange[] = [];
  const seen = new Set<string>();
  for (const slo of candidate) {
    seen.add(key(slo));
    const old = before.get(key(slo));
    const now = verdictOf(slo);
    if (!old) {
      changes.push({ expression: slo.expression, scope: slo.scope, unit: slo.unit, candidate: now, change: slo.passed ? 'new, passing' : 'new, failing', regressed: !slo.passed });
      continue;
    }
    const change: SloChangeKind = old.passed ? (slo.passed ? 'still passing' : 'broke') : slo.passed ? 'fixed' : 'still failing';
    changes.push({ expression: slo.expression, scope: slo.scope, unit: slo.unit, baseline: verdictOf(old), candidate: now, change, regressed: change === 'broke' });
  }
  for (const slo of baseline) {
    if (!seen.has(key(slo))) changes.push({ expression: slo.expression, scope: slo.scope, unit: slo.unit, baseline: verdictOf(slo), change: 'removed', regressed: false });
  }
  return changes;
}

function verdictOf(slo: SloVerdict): SloSide {
  if (slo.measured === undefined) return { passed: slo.passed };
  return slo.resolutionMs === undefined ? { passed: slo.passed, measured: slo.measured } : { passed: slo.passed, measured: slo.measured, resolutionMs: slo.resolutionMs };
}

/** Drops undefined values, for exactOptionalPropertyTypes-friendly spreads. */
function defined<T extends Record<string, number | undefined>>(values: T): { [K in keyof T]?: number } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: number };
}
