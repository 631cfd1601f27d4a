import { UsageError } from '../errors.js';
import { SLO_METRICS, describeSloMetricNames, findSloMetric, type SloUnit } from './slo-metrics.js';

export type SloOperator = '<' | '<=' | '>' | '>=' | '==';

export interface ParsedSlo {
  /** As written (trimmed), e.g. "handshake.p95 < 150ms". */
  readonly expression: string;
  readonly metric: string;
  readonly operator: SloOperator;
  /** In the metric's unit: ms, ratio 0..1, percent of one core, count, or per second. */
  readonly threshold: number;
  readonly unit: SloUnit;
}

/**
 * Parses one SLO, in the style of k6 thresholds:
 *
 *     slo      = metric op value
 *     metric   = handshake.STAT | total.STAT | tcp_connect.STAT | first_byte.STAT   (ms)
 *              | success.rate | error.rate                                          (ratio)
 *              | category.CATEGORY.count | category.CATEGORY.rate                   (count | ratio of attempts)
 *              | attempts.count | attempts.rate                                     (count | per second)
 *              | gateway.cpu.CPUSTAT | generator.cpu.CPUSTAT                        (percent of one core)
 *              | late_starts.count | recovery.time | blast.radius                   (count | ms | ratio)
 *              | effect.latency            (ms: fault injected -> its effect first seen, e.g. revocation latency)
 *              | alert.NAME.detect | alert.NAME.clear | alert.NAME.count               (ms | ms | count)
 *     STAT     = p50 | p90 | p95 | p99 | max | mean
 *     CPUSTAT  = p50 | p95 | max
 *     CATEGORY = one of ERROR_CATEGORIES (ok, cert_expired, ... other)
 *     NAME     = an alert of the scenario's observe.prometheus.rules, [A-Za-z_:][A-Za-z0-9_:]*
 *                (src/slo/alert-slo-metrics.ts says what each measures)
 *     op       = "<" | "<=" | ">" | ">=" | "=="
 *     value    = number [unit]     number = digits ["." digits]
 *     unit     = "ms" | "s" | "m" | "h"    for time metrics (a bare number is ms)
 *              | "%"                      for ratios (99.9% = 0.999; a bare number must be 0..1)
 *                                         and CPU (80% = 80; a bare number is percent)
 *              | "/s"                     for attempts.rate (optional)
 *                                         counts take a bare number only
 *
 * Whitespace between the parts is optional. The scope (whole run or a phase) is not part of the
 * expression: the scenario says it. Metric names are case-insensitive, except an alert's NAME,
 * which is case-sensitive as in Prometheus.
 *
 * Throws UsageError E_SLO_SYNTAX naming what was expected at which position (1-based column).
 */
export function parseSlo(expression: string): ParsedSlo {
  const text = expression.trim();
  const fail = (position: number, message: string, hint?: string): never => {
    throw new UsageError('E_SLO_SYNTAX', `SLO "${text}": ${message} at position ${position + 1}`, {
      hint: hint ?? `write "<metric> <op> <value>", e.g. "handshake.p95 < 150ms" or "success.rate >= 99.9%"; metrics: ${describeSloMetricNames()}`,
    });
  };
  const found = (position: number): string => {
    const rest = text.slice(position).split(/\s/)[0];
    return rest ? `found "${rest}"` : 'found the end of the expression';
  };
  let position = 0;
  const skipSpaces = (): void => {
    while (position < text.length && /\s/.test(text[position] as string)) position++;
  };

  const metricMatch = /^[A-Za-z_][A-Za-z0-9_.:]*/.exec(text);
  if (!metricMatch) return fail(0, `expected a metric name, ${found(0)}`);
  const written = metricMatch[0];
  const metric = findSloMetric(written);
  if (!metric && /^alert\./i.test(written)) {
    return fail(0, `unknown metric "${written}": expected alert.<Name>.detect, alert.<Name>.clear or alert.<Name>.count`, 'name an alert of observe.prometheus.rules as its rule spells it, e.g. "alert.MtlsHandshakeFailureBurnRate.detect < 2m"');
  }
  if (!metric) {
    const suggestion = closestMetricName(written.toLowerCase());
    return fail(
      0,
      `unknown metric "${written}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      `${suggestion ? `did you mean "${suggestion}"? ` : ''}valid metrics: ${describeSloMetricNames()}`,
    );
  }
  position = written.length;
  skipSpaces();

  const operatorMatch = /^(<=|>=|==|<|>)/.exec(text.slice(position));
  if (!operatorMatch) return fail(position, `expected an operator (<, <=, >, >=, ==) after "${written}", ${found(position)}`);
  const operator = operatorMatch[0] as SloOperator;
  position += operator.length;
  skipSpaces();

  const valueStart = position;
  const valueMatch = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|%|\/s)?/.exec(text.slice(position));
  if (!valueMatch) return fail(position, `expected a value (${exampleValue(metric.unit)}), ${found(position)}`);
  position += valueMatch[0].length;
  skipSpaces();
  if (position < text.length) {
    // "150xs": the value ran into something that is not a unit; point at the value, not the tail.
    const glued = position === valueStart + valueMatch[0].length && /\S/.test(text[position] as string);
    return glued
      ? fail(valueStart, `expected a value (${exampleValue(metric.unit)}), ${found(valueStart)}`)
      : fail(position, `expected the end of the expression, ${found(position)}`);
  }

  const number = Number(valueMatch[1]);
  const suffix = valueMatch[2];
  const threshold = toThreshold(number, suffix, metric.unit, (message) => fail(valueStart, `${message} for ${metric.name}`));
  // 400 digits, or hours that overflow once in ms, are Infinity: no measurement compares with it, and result.json would hold null.
  if (!Number.isFinite(threshold)) fail(valueStart, `expected a finite value (${exampleValue(metric.unit)}), found "${valueMatch[0].trim().slice(0, 40)}": too large to be a number`);
  return { expression: text, metric: metric.name, operator, threshold, unit: metric.unit };
}

const TIME_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

function toThreshold(number: number, suffix: string | undefined, unit: SloUnit, fail: (message: string) => never): number {
  switch (unit) {
    case 'ms':
      if (suffix === undefined) return number;
      if (suffix in TIME_MS) return number * TIME_MS[suffix as keyof typeof TIME_MS];
      return fail(`expected a time like 150ms, 1.5s or 2m, found "${number}${suffix}"`);
    case 'ratio':
      if (suffix === '%') {
        if (number > 100) return fail(`expected a percentage up to 100%, found "${number}%"`);
        // 99.9 / 100 is 0.9990000000000001 in binary; keep the ratio the person wrote.
        return Number((number / 100).toFixed(12));
      }
      if (suffix === undefined) {
        if (number > 1) return fail(`expected a ratio from 0 to 1 or a percentage (write ${number}% if you meant percent), found "${number}"`);
        return number;
      }
      return fail(`expected a rate like 99.9% or 0.999, found "${number}${suffix}"`);
    case 'percent':
      if (suffix === '%' || suffix === undefined) return number;
      return fail(`expected a CPU percentage like 80%, found "${number}${suffix}"`);
    case 'count':
      if (suffix === undefined) return number;
      return fail(`expected a plain count like 10, found "${number}${suffix}"`);
    case 'per_second':
      if (suffix === undefined || suffix === '/s') return number;
      return fail(`expected a rate like 200 or 200/s, found "${number}${suffix}"`);
  }
}

function exampleValue(unit: SloUnit): string {
  return {
    ms: 'a time like 150ms, 1.5s or 2m',
    ratio: 'a rate like 99.9% or 0.999',
    percent: 'a CPU percentage like 80%',
    count: 'a count like 10',
    per_second: 'a rate like 200/s',
  }[unit];
}

/** The known metric name nearest to a typo, when it is near enough to be what was meant. */
function closestMetricName(written: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of SLO_METRICS.keys()) {
    const distance = editDistance(written, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(written.length / 3)) ? best : undefined;
}

/**
 * Edit distance (optimal string alignment) where swapping two neighbours costs half an edit:
 * swapped keys are the commonest typo, so "p59" is nearer to "p95" than to "p50".
 */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, index) => index)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const above = rows[i - 1] as number[];
      let cost = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] && a[i - 1] !== b[j - 1]) {
        cost = Math.min(cost, ((rows[i - 2] as number[])[j - 2] as number) + 0.5);
      }
      row.push(cost);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}
