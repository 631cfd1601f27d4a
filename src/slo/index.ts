export { parseSlo } from './parse-slo.js';
export type { ParsedSlo, SloOperator } from './parse-slo.js';
export { evaluateSlos } from './evaluate-slos.js';
export type { ScopedSlo, SloEvidenceSource, SloScope } from './evaluate-slos.js';
export { describeSlo, formatSloValue } from './describe-slo.js';
export { SLO_METRICS, describeSloMetricNames } from './slo-metrics.js';
export type { SloMetric, SloUnit } from './slo-metrics.js';
