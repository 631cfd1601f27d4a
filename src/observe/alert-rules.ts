import { prometheusApi } from './prometheus-api.js';

/** An alerting rule Prometheus has loaded, and how often its group is evaluated. */
export interface LoadedAlertRule {
  readonly name: string;
  readonly evaluationIntervalMs: number;
}

interface RulesData {
  readonly groups: readonly { readonly interval: number; readonly rules: readonly { readonly name: string; readonly type: string }[] }[];
}

/**
 * Every alerting rule Prometheus evaluates (GET /api/v1/rules), so that an alert that never fired
 * is still reported, with its group's interval (the rules file's `interval:`, else the server's
 * evaluation_interval). An alert name in two groups keeps the first.
 */
export async function readLoadedAlertRules(prometheusUrl: string, signal?: AbortSignal): Promise<LoadedAlertRule[]> {
  const data = await prometheusApi<RulesData>(prometheusUrl, '/api/v1/rules', { type: 'alert' }, signal);
  const rules = new Map<string, LoadedAlertRule>();
  for (const group of data.groups) {
    for (const rule of group.rules) {
      if (rule.type === 'alerting' && !rules.has(rule.name)) rules.set(rule.name, { name: rule.name, evaluationIntervalMs: Math.round(group.interval * 1_000) });
    }
  }
  return [...rules.values()];
}
