import { ERROR_CATEGORIES, type ErrorCategory } from '../metrics/index.js';
import type { RunResult, TimelineBucket } from '../result/run-result.js';
import { alertWindows, type AlertWindow } from './alert-windows.js';

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
  /** Said under the chart: how its rates treat seconds the load covered only in part. */
  readonly note?: string;
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
  /**
   * The middle of the part of each timeline second the load covered (bucket 6 covers 6.0-7.0 s
   * and is drawn at 6.5; a run aborted at 10.5 s has its bucket 10 drawn at 10.25).
   */
  readonly seconds: readonly number[];
  /** How much of each second the load covered, in seconds (1 but at the run's edges). */
  readonly coveredS: readonly number[];
  /** The x axis spans 0 to this (the end of the load, or of the last bucket). */
  readonly endS: number;
  readonly charts: readonly ChartSpec[];
  readonly faults: readonly FaultWindow[];
  /** When the scenario's alert rules fired (observe.prometheus); empty without them. */
  readonly alerts: readonly AlertWindow[];
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
  const spans = coveredSpans(timeline, result.load.actualDurationMs);
  const seconds = spans.map((span) => round((span.fromS + span.untilS) / 2));
  // Attempts per second over the part of the second the load ran: a run aborted at 10.5 s made
  // 25 attempts in its last half second at 50/s, not a drop to 25/s. A sliver too short to hold
  // a steady count (the wait for the last attempts after the schedule ended) gets no rate.
  const perSecond = (count: (bucket: TimelineBucket) => number) =>
    timeline.map((bucket) => {
      const covered = coveredMsOf(bucket);
      return covered < MIN_RATE_COVERED_MS ? null : round((count(bucket) * 1_000) / covered);
    });
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
        { label: 'attempts/s', color: '#616161', dash: true, scale: 'y2', values: perSecond((bucket) => bucket.attempts) },
      ],
      ...partialNote(timeline),
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
      yLabel: 'attempts/s',
      series: ERROR_CATEGORIES.filter((category) => category === 'ok' || result.summary.categories[category] > 0).map((category) => ({
        label: category,
        color: CATEGORY_COLORS[category],
        scale: 'y' as const,
        values: perSecond((bucket) => bucket.categories[category] ?? 0),
      })),
      ...partialNote(timeline),
    },
  ];
  const endS = round(chartEndS(result, spans));
  return { seconds, coveredS: timeline.map((bucket) => coveredMsOf(bucket) / 1_000), endS, charts, faults: faultWindows(result), alerts: alertWindows(result, endS) };
}

/** The x axis ends where the run did, or where its last bucket's covered part did if later. */
function chartEndS(result: RunResult, spans = coveredSpans(result.timeline, result.load.actualDurationMs)): number {
  return Math.max(result.load.actualDurationMs / 1_000, spans.at(-1)?.untilS ?? 0);
}

/**
 * Under this much of a second, a count is too few attempts for a rate (at 50/s, 0.2 s holds 10,
 * so one attempt more or less moves it 10%): such a sliver is left out of the rate lines.
 */
const MIN_RATE_COVERED_MS = 250;

function coveredMsOf(bucket: TimelineBucket): number {
  return bucket.coveredMs ?? 1_000;
}

/**
 * Where in its second each bucket's covered part lies, in seconds. Only coveredMs is recorded:
 * a partial first second (a load that began mid-second, e.g. k6 lined up with a fault run) is
 * covered up to its end, any other partial second from its start (the load stopped in it). A
 * second after the load stopped (coveredMs 0) spans what is left of it until the run's end.
 */
function coveredSpans(timeline: readonly TimelineBucket[], actualDurationMs: number): { fromS: number; untilS: number }[] {
  const coveredAfter = timeline.slice(1).some((bucket) => coveredMsOf(bucket) > 0);
  let lastCoveredUntilS = 0;
  return timeline.map((bucket, index) => {
    const coveredS = coveredMsOf(bucket) / 1_000;
    if (coveredS === 0) {
      const fromS = Math.max(bucket.second, lastCoveredUntilS);
      return { fromS, untilS: Math.min(bucket.second + 1, Math.max(fromS, actualDurationMs / 1_000)) };
    }
    const span = index === 0 && coveredS < 1 && coveredAfter ? { fromS: bucket.second + 1 - coveredS, untilS: bucket.second + 1 } : { fromS: bucket.second, untilS: bucket.second + coveredS };
    lastCoveredUntilS = span.untilS;
    return span;
  });
}

/** Said under the rate charts when a second was covered only in part, so a reader knows its rate is over that part. */
function partialNote(timeline: readonly TimelineBucket[]): { note?: string } {
  const partial = timeline.filter((bucket) => coveredMsOf(bucket) > 0 && coveredMsOf(bucket) < 1_000);
  const uncovered = timeline.filter((bucket) => coveredMsOf(bucket) === 0).length;
  if (partial.length === 0 && uncovered === 0) return {};
  const parts = partial.map((bucket) => `second ${bucket.second} ran ${coveredMsOf(bucket)} ms`);
  const sentences = [
    partial.length > 0
      ? `Rates are per second of load: where the load ran only part of a second (${parts.join(', ')}), the rate is over that part${
          partial.some((bucket) => coveredMsOf(bucket) < MIN_RATE_COVERED_MS) ? `, and left out under ${MIN_RATE_COVERED_MS} ms (too few attempts to tell)` : ''
        }.`
      : '',
    uncovered > 0 ? `Attempts that ended after the load stopped are counted in the totals, not drawn as a rate.` : '',
  ];
  return { note: sentences.filter((sentence) => sentence !== '').join(' ') };
}

/** Each fault that was injected, from its injection to its heal (or the end of the run). */
export function faultWindows(result: RunResult): FaultWindow[] {
  const endMs = chartEndS(result) * 1_000;
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
