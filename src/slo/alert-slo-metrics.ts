import { formatDuration } from '../duration.js';
import type { AlertFiring, AlertRecord } from '../result/run-result.js';
import type { SloMeasurement, SloMetric, SloScopeEvidence } from './slo-metrics.js';

/**
 * The alert metrics, judged on what the scenario's own alert rules did (observe.prometheus):
 *
 *     alert.NAME.detect   ms from the first fault's injection to the first firing that started at or after it
 *     alert.NAME.clear    ms from the last heal to the end of the firing active then (0: already clear)
 *     alert.NAME.count    firings that started in the SLO's scope (the run or a phase): 0 in baseline = no false page
 *
 * NAME is the alert's name as its rule spells it: case-sensitive, like Prometheus (a metric name,
 * [A-Za-z_:][A-Za-z0-9_:]*); the "alert." prefix and the statistic follow the grammar's case rules.
 */
const ALERT_METRIC = /^alert\.([A-Za-z_:][A-Za-z0-9_:]*)\.(detect|clear|count)$/i;

export type AlertStatistic = 'detect' | 'clear' | 'count';

/** The alert and statistic an SLO metric name refers to, or undefined when it is no alert metric. */
export function parseAlertMetricName(written: string): { readonly alert: string; readonly statistic: AlertStatistic } | undefined {
  const match = ALERT_METRIC.exec(written);
  return match ? { alert: match[1] as string, statistic: (match[2] as string).toLowerCase() as AlertStatistic } : undefined;
}

/** The SLO metric for an alert metric name (alert.MtlsX.detect), or undefined for any other name. */
export function alertSloMetric(written: string): SloMetric | undefined {
  const parsed = parseAlertMetricName(written);
  if (!parsed) return undefined;
  const { alert, statistic } = parsed;
  const name = `alert.${alert}.${statistic}`;
  switch (statistic) {
    case 'detect':
      return { name, unit: 'ms', label: `time until alert ${alert} fired after the fault`, measure: (e) => withAlert(e, alert, (record) => measureDetect(record, e)) };
    case 'clear':
      return { name, unit: 'ms', label: `time until alert ${alert} cleared after the heal`, measure: (e) => withAlert(e, alert, (record) => measureClear(record, e)) };
    case 'count':
      return { name, unit: 'count', label: `firings of alert ${alert}`, measure: (e) => withAlert(e, alert, (record) => measureCount(record, e)) };
  }
}

function withAlert(evidence: SloScopeEvidence, alert: string, measure: (record: AlertRecord) => SloMeasurement): SloMeasurement {
  if (evidence.alerts === undefined) {
    return { note: `no alert timeline was recorded (observe.prometheus did not run): nothing shows what alert ${alert} did` };
  }
  const record = evidence.alerts.find((candidate) => candidate.name === alert);
  if (!record) {
    const names = evidence.alerts.map((candidate) => candidate.name);
    return { note: `no alert named ${alert} in the rules Prometheus ran${names.length > 0 ? ` (its alerts: ${names.join(', ')})` : ' (it has no alerts)'}` };
  }
  return measure(record);
}

function measureDetect(record: AlertRecord, evidence: SloScopeEvidence): SloMeasurement {
  const injections = (evidence.faults ?? []).flatMap((fault) => (fault.injectedAtMs === undefined ? [] : [fault.injectedAtMs]));
  if (injections.length === 0) return { note: 'no fault was injected: there was nothing to detect' };
  const injectedAtMs = Math.min(...injections);
  const firing = record.firings.find((candidate) => candidate.fromMs >= injectedAtMs);
  if (!firing) {
    const already = record.firings.some((candidate) => candidate.toMs === undefined || candidate.toMs > injectedAtMs);
    return {
      note:
        `alert ${record.name} never fired after the fault was injected at ${seconds(injectedAtMs)}` +
        (already
          ? ' (it was already firing before the injection, so the fault raised no new page)'
          : ` (Prometheus evaluated the rules${interval(record)}; nothing crossed the threshold)`),
    };
  }
  return { value: firing.fromMs - injectedAtMs };
}

function measureClear(record: AlertRecord, evidence: SloScopeEvidence): SloMeasurement {
  const faults = evidence.faults ?? [];
  if (faults.some((fault) => fault.injectedAtMs !== undefined && fault.healedAtMs === undefined)) {
    return { note: 'a fault was never healed during the run: there was no heal to clear after' };
  }
  const heals = faults.flatMap((fault) => (fault.healedAtMs === undefined ? [] : [fault.healedAtMs]));
  if (heals.length === 0) return { note: 'no fault was healed: there was nothing to clear after' };
  const healedAtMs = Math.max(...heals);
  const active = record.firings.find((firing: AlertFiring) => firing.toMs === undefined || firing.toMs >= healedAtMs);
  // Cleared before the heal (or never fired): clear already, nothing left to wait for.
  if (!active) return { value: 0 };
  if (active.toMs === undefined) {
    const after = evidence.runEndMs === undefined ? '' : `, ${seconds(Math.max(0, evidence.runEndMs - healedAtMs))} after the last heal at ${seconds(healedAtMs)}`;
    return { note: `alert ${record.name} was still firing when the run ended${after}` };
  }
  return { value: Math.max(0, active.toMs - healedAtMs) };
}

function measureCount(record: AlertRecord, evidence: SloScopeEvidence): SloMeasurement {
  const windows = evidence.windows;
  if (windows === undefined) return { value: record.firings.length };
  if (windows.length === 0) return { note: `${evidence.scopeLabel} did not happen in this run: no evidence to judge` };
  return { value: record.firings.filter((firing) => windows.some((window) => firing.fromMs >= window.startMs && firing.fromMs < window.endMs)).length };
}

function interval(record: AlertRecord): string {
  return record.evaluationIntervalMs === undefined ? '' : ` every ${seconds(record.evaluationIntervalMs)}`;
}

function seconds(ms: number): string {
  return formatDuration(ms);
}
