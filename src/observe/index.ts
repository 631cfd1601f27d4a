export { alertsOfRun, judgeAlerts } from './judge-alerts.js';
export type { JudgeAlertsInput } from './judge-alerts.js';
export { readAlertTimeline } from './alert-timeline.js';
export type { AlertTimelineQuery } from './alert-timeline.js';
export { readLoadedAlertRules } from './alert-rules.js';
export type { LoadedAlertRule } from './alert-rules.js';
export { firingSpans } from './firing-spans.js';
export type { FiringSpan } from './firing-spans.js';
export { PrometheusQueryError } from './prometheus-api.js';
