import type { ParsedSlo, SloOperator, SloScope } from '../slo/index.js';

/**
 * One SLO as k6 thresholds: k6 metric names (with a `{phase:...}` tag filter for a phase-scoped
 * SLO, which k6 turns into a sub-metric) and threshold expressions in k6's grammar
 * (`p(95)<150`, `rate>=0.999`, `count==0`). k6 judges its thresholds on its own; `import k6`
 * judges the SLOs again on the imported measurements, so a threshold here is the early
 * warning on the k6 side, not the verdict.
 */
export type ThresholdTranslation =
  | { readonly translated: true; readonly expression: string; readonly scope: SloScope; readonly thresholds: readonly K6Threshold[]; readonly note?: string }
  | { readonly translated: false; readonly expression: string; readonly scope: SloScope; readonly reason: string };

export interface K6Threshold {
  /** e.g. "http_req_tls_handshaking" or "http_req_tls_handshaking{phase:fault}". */
  readonly metric: string;
  /** e.g. "p(95)<150". */
  readonly expression: string;
}

/** Our latency families and the k6 trend that measures the same span of an attempt. */
const LATENCY_METRICS: Readonly<Record<string, string>> = {
  handshake: 'http_req_tls_handshaking',
  tcp_connect: 'http_req_connecting',
  first_byte: 'http_req_waiting',
  // One iteration of the exported script is one attempt: its duration is the whole attempt.
  total: 'iteration_duration',
};

const TREND_STATS: Readonly<Record<string, string>> = { p50: 'med', p90: 'p(90)', p95: 'p(95)', p99: 'p(99)', max: 'max', mean: 'avg' };

/** The opposite comparison, for an SLO on success turned into one on failure. */
const FLIPPED: Readonly<Record<SloOperator, SloOperator>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==' };

/** Why the SLOs k6 cannot judge stay with us; shown in the script's header and the command's output. */
const UNTRANSLATABLE: ReadonlyArray<{ readonly match: RegExp; readonly reason: string }> = [
  { match: /^gateway\.cpu\./, reason: 'k6 does not see the gateway; `mtls-chaos run --load external` samples its CPU' },
  { match: /^generator\.cpu\./, reason: "the generator is k6 itself; k6 reports no CPU of its own" },
  { match: /^recovery\.time$/, reason: 'needs the fault timeline; `import k6 --faults result.json` measures it' },
  { match: /^blast\.radius$/, reason: 'needs the fault timeline; `import k6 --faults result.json` measures it' },
  { match: /^effect\.latency$/, reason: 'needs the fault injection times; `import k6 --faults result.json` measures it' },
  {
    match: /^category\.(?!ok\.|forbidden\.)/,
    reason: 'k6 has no error categories: it tags a failure with an error code (1050 timeout, 1300-1399 TLS) or the HTTP status; `import k6` maps those to categories',
  },
];

/** Translates one scoped SLO; never throws for a valid SLO: what k6 cannot express is said why. */
export function translateSlo(slo: ParsedSlo, scope: SloScope): ThresholdTranslation {
  const base = { expression: slo.expression, scope };
  const untranslatable = UNTRANSLATABLE.find(({ match }) => match.test(slo.metric));
  if (untranslatable) return { ...base, translated: false, reason: untranslatable.reason };
  const filter = tagFilter(scope);
  const one = (metric: string, expression: string, note?: string, tags: readonly string[] = []): ThresholdTranslation => ({
    ...base,
    translated: true,
    thresholds: [{ metric: `${metric}${tagFilter(scope, tags)}`, expression }],
    ...(note ? { note } : {}),
  });
  const [family, stat] = slo.metric.split('.') as [string, string | undefined];
  const value = formatNumber(slo.threshold);
  const k6Operator = slo.operator;

  const latencyMetric = LATENCY_METRICS[family];
  if (latencyMetric && stat && TREND_STATS[stat]) return one(latencyMetric, `${TREND_STATS[stat]}${k6Operator}${value}`);

  switch (slo.metric) {
    case 'success.rate':
    case 'category.ok.rate':
      // An attempt succeeds when the gateway answered 2xx: the script's check. http_req_failed
      // says the same from the other side (k6 counts 4xx/5xx and network errors as failed).
      return {
        ...base,
        translated: true,
        thresholds: [
          { metric: `checks${filter}`, expression: `rate${k6Operator}${value}` },
          { metric: `http_req_failed${filter}`, expression: `rate${FLIPPED[slo.operator]}${formatNumber(1 - slo.threshold)}` },
        ],
      };
    case 'error.rate':
      return one('http_req_failed', `rate${k6Operator}${value}`);
    case 'attempts.count':
      return one('http_reqs', `count${k6Operator}${value}`);
    case 'attempts.rate':
      // k6's rate of a counter is over the whole test, so only the run scope means the same.
      if (scope !== 'run') return { ...base, translated: false, reason: "k6's http_reqs rate is per second of the whole test, not of one phase" };
      return one('http_reqs', `rate${k6Operator}${value}`);
    case 'category.ok.count':
      return one('checks', `passes${k6Operator}${value}`);
    case 'category.forbidden.count':
      return one('http_reqs', `count${k6Operator}${value}`, 'counted on requests answered 403', ['status:403']);
    case 'category.forbidden.rate':
      return {
        ...base,
        translated: false,
        reason: 'k6 has no rate of one status among all requests; `import k6` measures it (category.forbidden.count translates)',
      };
    case 'late_starts.count':
      return one('dropped_iterations', `count${k6Operator}${value}`, 'nearest k6 figure: iterations k6 could not start on schedule (no free VU)');
  }
  return { ...base, translated: false, reason: `no k6 metric measures ${slo.metric}` };
}

/** k6's sub-metric syntax: `metric{tag:value,tag:value}`; the phase tag is set by each k6 scenario. */
function tagFilter(scope: SloScope, tags: readonly string[] = []): string {
  const all = [...(scope === 'run' ? [] : [`phase:${scope}`]), ...tags];
  return all.length === 0 ? '' : `{${all.join(',')}}`;
}

/** k6 threshold values are plain numbers; keep what the person wrote (0.999, not 0.9990000000000001). */
function formatNumber(value: number): string {
  return String(Number(value.toFixed(9)));
}
