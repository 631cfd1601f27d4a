import { ERROR_CATEGORIES } from '../metrics/index.js';
import { alertSloMetric } from './alert-slo-metrics.js';
import type { AlertRecord, CpuSeries, FaultRecord, LatencySet, MetricsSummary, RecoverySummary, SloVerdict } from '../result/run-result.js';

export type SloUnit = SloVerdict['unit'];

/** What one scope (the run or a phase) offers as evidence. */
export interface SloScopeEvidence {
  /** Undefined when the scope never happened (a phase with no time and no attempts). */
  readonly summary: MetricsSummary | undefined;
  /** Undefined when there were no CPU samples for that process in the scope. */
  readonly gatewayCpu: Pick<CpuSeries, 'p50' | 'p95' | 'max'> | undefined;
  readonly generatorCpu: Pick<CpuSeries, 'p50' | 'p95' | 'max'> | undefined;
  /** "the run", "the fault phase": for notes. */
  readonly scopeLabel: string;
  /** Run-wide figures of a drill with faults (the same whatever the scope). */
  readonly recovery?: RecoverySummary;
  readonly blastRadius?: number;
  readonly faults?: readonly FaultRecord[];
  /** What the scenario's alert rules did (observe.prometheus); undefined when none ran. */
  readonly alerts?: readonly AlertRecord[];
  /** The scope's time windows (ms after load start); undefined for the whole run. */
  readonly windows?: readonly { readonly startMs: number; readonly endMs: number }[];
  /** When the load ended (ms after its start), when known. */
  readonly runEndMs?: number;
}

/** `resolutionMs`: how finely the value is known, for metrics measured in steps (recovery.time). */
export type SloMeasurement = { readonly value: number; readonly resolutionMs?: number } | { readonly note: string };

export interface SloMetric {
  readonly name: string;
  readonly unit: SloUnit;
  /** For one-line descriptions: "TLS handshake p95". */
  readonly label: string;
  measure(evidence: SloScopeEvidence): SloMeasurement;
}

const LATENCY_FAMILIES = {
  handshake: { key: 'tlsHandshake', label: 'TLS handshake' },
  total: { key: 'total', label: 'whole attempt' },
  tcp_connect: { key: 'tcpConnect', label: 'TCP connect' },
  first_byte: { key: 'firstByte', label: 'first byte' },
} as const satisfies Record<string, { key: keyof LatencySet; label: string }>;
const LATENCY_STATS = ['p50', 'p90', 'p95', 'p99', 'max', 'mean'] as const;
const CPU_STATS = ['p50', 'p95', 'max'] as const;

/**
 * Every metric an SLO can name. Latency, rate and category metrics need at least one attempt in
 * scope (a success rate over nothing is no evidence); attempts.count and attempts.rate do not,
 * since "no attempts" is itself the measurement.
 */
export const SLO_METRICS: ReadonlyMap<string, SloMetric> = new Map(buildMetrics().map((metric) => [metric.name, metric]));

function buildMetrics(): SloMetric[] {
  const metrics: SloMetric[] = [];
  for (const [family, { key, label }] of Object.entries(LATENCY_FAMILIES)) {
    for (const stat of LATENCY_STATS) {
      metrics.push({
        name: `${family}.${stat}`,
        unit: 'ms',
        label: `${label} ${stat}`,
        measure: (evidence) =>
          withAttempts(evidence, (summary) => {
            const latency = summary.latency[key];
            return latency.count === 0 ? { note: `no ${label} time was measured in ${evidence.scopeLabel}` } : { value: latency[stat] };
          }),
      });
    }
  }
  metrics.push(
    { name: 'success.rate', unit: 'ratio', label: 'success rate', measure: (e) => withAttempts(e, (s) => ({ value: s.successRate })) },
    { name: 'error.rate', unit: 'ratio', label: 'error rate', measure: (e) => withAttempts(e, (s) => ({ value: 1 - s.successRate })) },
    {
      name: 'attempts.count',
      unit: 'count',
      label: 'attempts',
      measure: (e) => (e.summary ? { value: e.summary.attempts } : noScope(e)),
    },
    {
      name: 'attempts.rate',
      unit: 'per_second',
      label: 'attempt rate',
      measure: (e) => (e.summary ? { value: e.summary.attemptsPerSecond } : noScope(e)),
    },
    { name: 'late_starts.count', unit: 'count', label: 'late starts', measure: (e) => withAttempts(e, (s) => ({ value: s.lateStarts })) },
    {
      name: 'recovery.time',
      unit: 'ms',
      label: 'recovery time',
      // Recovery is one figure for the run (from the last heal), whatever the scope says.
      measure: (e) =>
        e.recovery === undefined
          ? { note: 'no recovery was measured: the drill has no fault that heals during the run' }
          : e.recovery.timeMs === undefined
            ? { note: `success never came back to ${(e.recovery.targetSuccessRate * 100).toFixed(1)}% after the heal` }
            : { value: e.recovery.timeMs, resolutionMs: e.recovery.resolutionMs },
    },
    {
      name: 'blast.radius',
      unit: 'ratio',
      label: 'share of attempts failed during the fault',
      measure: (e) =>
        e.blastRadius === undefined ? { note: 'no fault phase: nothing was broken, so there is no blast radius' } : { value: e.blastRadius },
    },
    {
      name: 'effect.latency',
      unit: 'ms',
      label: 'time from a fault until its effect was first seen',
      measure: (e) => measureEffectLatency(e.faults ?? []),
    },
  );
  for (const category of ERROR_CATEGORIES) {
    metrics.push(
      {
        name: `category.${category}.count`,
        unit: 'count',
        label: `${category} attempts`,
        measure: (e) => withAttempts(e, (s) => ({ value: s.categories[category] })),
      },
      {
        name: `category.${category}.rate`,
        unit: 'ratio',
        label: `share of ${category} attempts`,
        measure: (e) => withAttempts(e, (s) => ({ value: s.categories[category] / s.attempts })),
      },
    );
  }
  for (const source of ['gateway', 'generator'] as const) {
    for (const stat of CPU_STATS) {
      metrics.push({
        name: `${source}.cpu.${stat}`,
        unit: 'percent',
        label: `${source} CPU ${stat}`,
        measure: (evidence) => {
          const series = source === 'gateway' ? evidence.gatewayCpu : evidence.generatorCpu;
          return series
            ? { value: series[stat] }
            : {
                note:
                  source === 'gateway'
                    ? `no gateway CPU samples in ${evidence.scopeLabel} (CPU is only known for a gateway running as a local process)`
                    : `no generator CPU samples in ${evidence.scopeLabel}`,
              };
        },
      });
    }
  }
  return metrics;
}

/**
 * The slowest effect among the injected faults that name one (e.g. revocation latency: from the
 * revocation until the revoked identity's first cert_revoked). Run-wide, whatever the scope. An
 * effect never seen is no evidence: the SLO fails with a note rather than passing.
 */
function measureEffectLatency(faults: readonly FaultRecord[]): SloMeasurement {
  const watched = faults.filter((fault) => fault.effect && fault.injectedAtMs !== undefined);
  if (watched.length === 0) return { note: 'no injected fault names an effect to time (e.g. revocation)' };
  const unseen = watched.find((fault) => fault.effect!.afterMs === undefined);
  if (unseen) {
    const { category, identity } = unseen.effect!;
    return { note: `${unseen.kind}: no attempt${identity ? ` of ${identity}` : ''} ended as ${category} before the heal or the end of the run` };
  }
  return { value: Math.max(...watched.map((fault) => fault.effect!.afterMs!)) };
}

function withAttempts(evidence: SloScopeEvidence, measure: (summary: MetricsSummary) => SloMeasurement): SloMeasurement {
  if (!evidence.summary) return noScope(evidence);
  if (evidence.summary.attempts === 0) return { note: `no attempts in ${evidence.scopeLabel}: no evidence to judge` };
  return measure(evidence.summary);
}

function noScope(evidence: SloScopeEvidence): SloMeasurement {
  return { note: `${evidence.scopeLabel} did not happen in this run: no evidence to judge` };
}

/** The metric an SLO names: a fixed one (case-insensitive) or an alert's (alert.<Name>.detect: the name keeps its case). */
export function findSloMetric(written: string): SloMetric | undefined {
  return SLO_METRICS.get(written.toLowerCase()) ?? alertSloMetric(written);
}

/** The metric names in a compact form, for hints. */
export function describeSloMetricNames(): string {
  return [
    `${Object.keys(LATENCY_FAMILIES).join('|')}.{${LATENCY_STATS.join(',')}} (ms)`,
    'success.rate, error.rate (ratio)',
    'attempts.count, attempts.rate (per second)',
    `category.<name>.count, category.<name>.rate (<name>: ${ERROR_CATEGORIES.join(', ')})`,
    `gateway.cpu.{${CPU_STATS.join(',')}}, generator.cpu.{${CPU_STATS.join(',')}} (percent of one core)`,
    'late_starts.count, recovery.time (ms), blast.radius (ratio), effect.latency (ms)',
    'alert.<Name>.detect, alert.<Name>.clear (ms), alert.<Name>.count (<Name>: an alert of observe.prometheus.rules, case-sensitive)',
  ].join('; ');
}
