import type { AlertRecord, RunWarning } from '../result/run-result.js';
import { readLoadedAlertRules } from './alert-rules.js';
import { readAlertTimeline } from './alert-timeline.js';
import { PrometheusQueryError } from './prometheus-api.js';

export interface JudgeAlertsInput {
  /** The run's Prometheus (observe.prometheus), still running. */
  readonly prometheusUrl: string;
  /** Epoch ms of the load's start: ms 0 of faults and phases, and of the records returned. */
  readonly loadStartEpochMs: number;
  /** Epoch ms up to which the alerts are read (the load's end, or later to see them clear). */
  readonly endEpochMs: number;
  readonly signal?: AbortSignal;
}

/**
 * What the scenario's alert rules did during the run, as result.alerts: every alert Prometheus
 * evaluated (fired or not) and its firings in ms after the load's start, for the alert.<Name>.*
 * SLOs (src/slo/alert-slo-metrics.ts). Call it after the load ends and before Prometheus stops.
 */
export async function judgeAlerts(input: JudgeAlertsInput): Promise<AlertRecord[]> {
  const rules = await readLoadedAlertRules(input.prometheusUrl, input.signal);
  const timeline = await readAlertTimeline({
    prometheusUrl: input.prometheusUrl,
    startEpochMs: input.loadStartEpochMs,
    endEpochMs: input.endEpochMs,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const relative = (epochMs: number): number => epochMs - input.loadStartEpochMs;
  const names = [...rules.map((rule) => rule.name), ...[...timeline.keys()].filter((name) => !rules.some((rule) => rule.name === name))];
  return names.map((name) => {
    const rule = rules.find((candidate) => candidate.name === name);
    return {
      name,
      firings: (timeline.get(name) ?? []).map((span) => (span.toMs === undefined ? { fromMs: relative(span.fromMs) } : { fromMs: relative(span.fromMs), toMs: relative(span.toMs) })),
      ...(rule ? { evaluationIntervalMs: rule.evaluationIntervalMs } : {}),
    };
  });
}

/**
 * judgeAlerts for run-scenario: a Prometheus that stopped answering costs the alert evidence
 * (result.alerts stays absent, so every alert SLO fails with "no alert timeline was recorded")
 * and a warning ALERTS_UNREAD, never the rest of the run's result.
 */
export async function alertsOfRun(input: JudgeAlertsInput): Promise<{ readonly alerts?: AlertRecord[]; readonly warning?: RunWarning }> {
  try {
    return { alerts: await judgeAlerts(input) };
  } catch (error) {
    if (!(error instanceof PrometheusQueryError)) throw error;
    return { warning: { code: 'ALERTS_UNREAD', message: `what the alert rules did is unknown: ${error.message}` } };
  }
}
