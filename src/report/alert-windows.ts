import type { AlertRecord, RunResult } from '../result/run-result.js';
import { formatOffset } from './format.js';

/**
 * One span of an alert firing, drawn as a strip along the bottom of every time chart (under the
 * fault bands' labels, so both stay readable), in seconds since the load started. `row` is the
 * alert's number among the alerts that fired (alert 1, alert 2 in the legend): one strip row each.
 */
export interface AlertWindow {
  readonly alert: string;
  readonly row: number;
  readonly startS: number;
  readonly endS: number;
  /** Still firing when the run ended. */
  readonly open: boolean;
}

/** The alerts that fired, in the order of result.alerts. */
export function firedAlerts(result: Pick<RunResult, 'alerts'>): AlertRecord[] {
  return (result.alerts ?? []).filter((alert) => alert.firings.length > 0);
}

/** Every firing of result.alerts as chart windows; an open one runs to `endS` (the chart's end). */
export function alertWindows(result: Pick<RunResult, 'alerts'>, endS: number): AlertWindow[] {
  return firedAlerts(result).flatMap((alert, row) =>
    alert.firings.map((firing) => ({
      alert: alert.name,
      row,
      startS: round(Math.max(0, firing.fromMs) / 1_000),
      endS: round(firing.toMs === undefined ? Math.max(endS, firing.fromMs / 1_000) : firing.toMs / 1_000),
      open: firing.toMs === undefined,
    })),
  );
}

/** "14s to 26s, 40s to the end of the run", or "never fired". */
export function firingsText(alert: AlertRecord): string {
  if (alert.firings.length === 0) return 'never fired';
  return alert.firings.map((firing) => `${formatOffset(firing.fromMs)} to ${firing.toMs === undefined ? 'the end of the run' : formatOffset(firing.toMs)}`).join(', ');
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
