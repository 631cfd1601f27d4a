import { firingSpans, type FiringSpan } from './firing-spans.js';
import { prometheusApi } from './prometheus-api.js';

export interface AlertTimelineQuery {
  /** e.g. http://127.0.0.1:9090 */
  readonly prometheusUrl: string;
  /** The range to read, epoch ms. */
  readonly startEpochMs: number;
  readonly endEpochMs: number;
  /** 1 s by default: the run is scraped and its rules may be evaluated every second. */
  readonly stepMs?: number;
  readonly signal?: AbortSignal;
}

/** Prometheus refuses a query_range of more than 11,000 points per series; stay below it. */
const MAX_STEPS_PER_QUERY = 10_000;

interface MatrixSeries {
  readonly metric: Record<string, string>;
  readonly values: readonly [number, string][];
}

/**
 * When each alert fired over a time range, read from Prometheus's own record of it: the ALERTS
 * series it writes on every rule evaluation (alertstate="firing" once the rule's `for:` has
 * passed). Spans are per alert name, label sets merged (one alert with category="unknown_ca" and
 * category="cert_expired" is one page); times in epoch ms. Alerts that never fired are absent.
 */
export async function readAlertTimeline(query: AlertTimelineQuery): Promise<Map<string, FiringSpan[]>> {
  const stepMs = query.stepMs ?? 1_000;
  const seen = new Map<string, number[]>();
  for (let chunkStartMs = query.startEpochMs; chunkStartMs <= query.endEpochMs; chunkStartMs += MAX_STEPS_PER_QUERY * stepMs) {
    const chunkEndMs = Math.min(query.endEpochMs, chunkStartMs + (MAX_STEPS_PER_QUERY - 1) * stepMs);
    const data = await prometheusApi<{ resultType: string; result: MatrixSeries[] }>(
      query.prometheusUrl,
      '/api/v1/query_range',
      { query: 'ALERTS{alertstate="firing"}', start: seconds(chunkStartMs), end: seconds(chunkEndMs), step: seconds(stepMs) },
      query.signal,
    );
    for (const series of data.result) {
      const name = series.metric.alertname;
      if (name === undefined) continue;
      const moments = seen.get(name) ?? [];
      // Step times come back as float seconds (1733590000.123): round to the ms they were asked at.
      for (const [time] of series.values) moments.push(Math.round(time * 1_000));
      seen.set(name, moments);
    }
  }
  const range = { startMs: query.startEpochMs, endMs: query.endEpochMs, stepMs };
  return new Map([...seen].map(([name, moments]) => [name, firingSpans(moments, range)]));
}

function seconds(ms: number): string {
  return (ms / 1_000).toFixed(3);
}
