import { ERROR_CATEGORIES, type ErrorCategory } from '../metrics/index.js';
import type { RunResult, TimelineBucket } from '../result/run-result.js';

/** One line of a time chart; `null` where nothing was measured in that second (a gap, not a zero). */
export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly dash?: boolean;
  /** 'y' (left axis) or 'y2' (right axis). */
  readonly scale: 'y' | 'y2';
  readonly values: readonly (number | null)[];
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly yLabel: string;
  readonly y2Label?: string;
  /** Fixed upper bound of the left axis (success rate: 100). */
  readonly yMax?: number;
  readonly series: readonly ChartSeries[];
}

/** A fault as a shaded band on every time chart, in seconds since the load started. */
export interface FaultWindow {
  readonly label: string;
  readonly startS: number;
  readonly endS: number;
  /** True when the run ended (or was aborted) before the heal. */
  readonly open: boolean;
}

/** Everything the report's charts draw, embedded in report.html as JSON. */
export interface ReportChartData {
  /** The middle of each timeline second (bucket 6 covers 6.0-7.0 s and is drawn at 6.5). */
  readonly seconds: readonly number[];
  /** The x axis spans 0 to this (the end of the last bucket). */
  readonly endS: number;
  readonly charts: readonly ChartSpec[];
  readonly faults: readonly FaultWindow[];
}

/** Colours per outcome: green for ok, reds for certificate verdicts, greys for transport. */
const CATEGORY_COLORS: Record<ErrorCategory, string> = {
  ok: '#2e7d32',
  cert_expired: '#c62828',
  cert_not_yet_valid: '#ad1457',
  unknown_ca: '#6a1b9a',
  bad_certificate: '#4527a0',
  certificate_required: '#283593',
  cert_revoked: '#d84315',
  ocsp_unavailable: '#ef6c00',
  hostname_mismatch: '#00838f',
  tls_policy: '#00695c',
  forbidden: '#9e9d24',
  handshake_timeout: '#5d4037',
  connection_refused: '#455a64',
  connection_reset: '#37474f',
  http_error: '#827717',
  other: '#757575',
};

/** The time charts of a result: latency percentiles, success and rate, CPU, outcomes per second. */
export function buildChartData(result: RunResult): ReportChartData {
  const timeline = result.timeline;
  const seconds = timeline.map((bucket) => bucket.second + 0.5);
  // A second in which nothing completed has no latency: a gap in the line, not a zero.
  const latency = (pick: (bucket: TimelineBucket) => number) => timeline.map((bucket) => (bucket.attempts > 0 ? round(pick(bucket)) : null));
  const charts: ChartSpec[] = [
    {
      id: 'latency',
      title: 'Latency percentiles per second: TLS handshake and whole attempt',
      yLabel: 'ms',
      series: [
        { label: 'handshake p50', color: '#90caf9', scale: 'y', values: latency((b) => b.tlsHandshake.p50) },
        { label: 'handshake p95', color: '#1e88e5', scale: 'y', values: latency((b) => b.tlsHandshake.p95) },
        { label: 'handshake p99', color: '#0d47a1', scale: 'y', values: latency((b) => b.tlsHandshake.p99) },
        { label: 'total p50', color: '#ffcc80', dash: true, scale: 'y', values: latency((b) => b.total.p50) },
        { label: 'total p95', color: '#fb8c00', dash: true, scale: 'y', values: latency((b) => b.total.p95) },
        { label: 'total p99', color: '#e65100', dash: true, scale: 'y', values: latency((b) => b.total.p99) },
      ],
    },
    {
      id: 'throughput',
      title: 'Success rate and attempts per second',
      yLabel: 'success %',
      y2Label: 'attempts/s',
      yMax: 100,
      series: [
        {
          label: 'success %',
          color: '#2e7d32',
          scale: 'y',
          values: timeline.map((bucket) => (bucket.attempts > 0 ? round((100 * bucket.succeeded) / bucket.attempts) : null)),
        },
        { label: 'attempts/s', color: '#616161', dash: true, scale: 'y2', values: timeline.map((bucket) => bucket.attempts) },
      ],
    },
    {
      id: 'cpu',
      title: 'CPU, percent of one core (200% = two cores busy)',
      yLabel: 'CPU %',
      series: [
        ...(timeline.some((bucket) => bucket.gatewayCpuPercent !== undefined)
          ? [{ label: 'gateway CPU %', color: '#7b1fa2', scale: 'y' as const, values: timeline.map((bucket) => bucket.gatewayCpuPercent ?? null) }]
          : []),
        { label: 'load generator CPU %', color: '#00897b', dash: true, scale: 'y', values: timeline.map((bucket) => bucket.generatorCpuPercent ?? null) },
      ],
    },
    {
      id: 'categories',
      title: 'Outcomes per second, by category',
      yLabel: 'attempts',
      series: ERROR_CATEGORIES.filter((category) => category === 'ok' || result.summary.categories[category] > 0).map((category) => ({
        label: category,
        color: CATEGORY_COLORS[category],
        scale: 'y' as const,
        values: timeline.map((bucket) => bucket.categories[category] ?? 0),
      })),
    },
  ];
  const endS = Math.max(result.load.actualDurationMs / 1_000, (timeline.at(-1)?.second ?? 0) + 1);
  return { seconds, endS: round(endS), charts, faults: faultWindows(result) };
}

/** Each fault that was injected, from its injection to its heal (or the end of the run). */
export function faultWindows(result: RunResult): FaultWindow[] {
  const endMs = Math.max(result.load.actualDurationMs, (result.timeline.at(-1)?.second ?? 0) * 1_000 + 1_000);
  return result.faults.flatMap((fault) => {
    if (fault.injectedAtMs === undefined) return [];
    return [
      {
        label: `${fault.kind}: ${fault.description}`,
        startS: round(fault.injectedAtMs / 1_000),
        endS: round((fault.healedAtMs ?? endMs) / 1_000),
        open: fault.healedAtMs === undefined,
      },
    ];
  });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
