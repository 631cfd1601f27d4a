/**
 * The series an mtls-chaos run exports, as agreed for issue 19 (names, types, labels). The shipped
 * rules (contrib/prometheus/) and dashboard (contrib/grafana/) may reference these only, plus the
 * rules' own recording rules; tests check both against this list, and fill a real Prometheus with
 * series of exactly these shapes.
 */
export type SeriesType = 'counter' | 'gauge' | 'histogram';

export interface ContractSeries {
  readonly type: SeriesType;
  readonly labels: readonly string[];
}

export const METRICS_CONTRACT = {
  mtls_chaos_attempts_total: { type: 'counter', labels: ['category', 'phase', 'replica', 'identity'] },
  mtls_chaos_handshake_duration_seconds: { type: 'histogram', labels: ['phase'] },
  mtls_chaos_attempt_duration_seconds: { type: 'histogram', labels: ['phase'] },
  mtls_chaos_gateway_cpu_percent: { type: 'gauge', labels: ['replica'] },
  mtls_chaos_generator_cpu_percent: { type: 'gauge', labels: [] },
  mtls_chaos_fault_active: { type: 'gauge', labels: ['kind', 'id'] },
  mtls_chaos_run_info: { type: 'gauge', labels: ['scenario', 'run_id', 'runtime', 'gateway_kind'] },
  mtls_chaos_certificate_expiry_seconds: { type: 'gauge', labels: ['role', 'subject', 'serial'] },
  mtls_chaos_ocsp_requests_total: { type: 'counter', labels: ['outcome'] },
  mtls_chaos_ocsp_response_duration_seconds: { type: 'histogram', labels: [] },
  mtls_chaos_offered_attempts_total: { type: 'counter', labels: ['phase'] },
} as const satisfies Record<string, ContractSeries>;

export type ContractSeriesName = keyof typeof METRICS_CONTRACT;

/** Bucket bounds of every contract histogram, in seconds. */
export const HISTOGRAM_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Every series name a query can select: a histogram is its _bucket, _sum and _count series. */
export function exportedSeriesNames(): Set<string> {
  const names = new Set<string>();
  for (const [name, series] of Object.entries(METRICS_CONTRACT)) {
    if (series.type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}
