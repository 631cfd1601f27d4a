import type { SloVerdict } from '../result/run-result.js';
import type { ParsedSlo } from './parse-slo.js';
import { findSloMetric, type SloUnit } from './slo-metrics.js';

/**
 * A value in the metric's unit, as a person reads it: "150 ms", "99.9%", "80%", "12", "200/s".
 * With a resolution (a figure known to one-second steps, like recovery.time) a value below one
 * step is "< 1 s", and others are in seconds: "1 ms" would claim a precision never measured.
 */
export function formatSloValue(value: number, unit: SloUnit, resolutionMs?: number): string {
  if (unit === 'ms' && resolutionMs !== undefined && resolutionMs > 0) {
    const inUnits = (ms: number) => (resolutionMs >= 1_000 ? `${trim(ms / 1_000, 1)} s` : `${trim(ms, 0)} ms`);
    return value < resolutionMs ? `< ${inUnits(resolutionMs)}` : inUnits(value);
  }
  switch (unit) {
    case 'ms':
      return value >= 10_000 ? `${trim(value / 1_000, 2)} s` : `${trim(value, 2)} ms`;
    case 'ratio':
      return `${trim(value * 100, 3)}%`;
    case 'percent':
      return `${trim(value, 1)}%`;
    case 'count':
      return String(trim(value, 0));
    case 'per_second':
      return `${trim(value, 1)}/s`;
  }
}

/** One line: "TLS handshake p95 < 150 ms (fault phase)". */
export function describeSlo(slo: ParsedSlo | SloVerdict, scope?: SloVerdict['scope']): string {
  const label = findSloMetric(slo.metric)?.label ?? slo.metric;
  const where = scope ?? ('scope' in slo ? slo.scope : 'run');
  return `${label} ${slo.operator} ${formatSloValue(slo.threshold, slo.unit)}${where === 'run' ? '' : ` (${where} phase)`}`;
}

function trim(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}
