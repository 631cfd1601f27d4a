import { INPUT_BOUNDS, readBoundedText, type InputFile } from '../bounded-file.js';
import { UsageError } from '../errors.js';

/**
 * What `k6 run --summary-export=FILE` writes: a JSON object whose `metrics` maps each metric to
 * its aggregates (trends: avg, min, med, max, p(90), p(95); counters: count, rate; rates:
 * passes, fails, value) and, for metrics with thresholds, `thresholds` mapping each expression
 * to whether it failed (k6 writes the threshold's LastFailed: true = crossed).
 */
export interface K6Summary {
  readonly requests?: number;
  readonly droppedIterations?: number;
  /** "http_req_tls_handshaking{phase:fault}: p(95)<150" for every threshold k6 judged failed. */
  readonly failedThresholds: readonly string[];
  readonly thresholdCount: number;
}

const HINT = 'pass the file written by `k6 run --summary-export=FILE`';
const SUMMARY_FILE: InputFile = { code: 'E_K6_SUMMARY_READ', what: 'a k6 summary', hint: HINT, maxBytes: INPUT_BOUNDS.k6SummaryBytes };

export async function readK6Summary(file: string): Promise<K6Summary> {
  const text = await readBoundedText(file, SUMMARY_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('E_K6_SUMMARY_FORMAT', 'not JSON', { file, hint: HINT });
  }
  const metrics = (parsed as { metrics?: unknown } | null)?.metrics;
  if (!metrics || typeof metrics !== 'object') {
    throw new UsageError('E_K6_SUMMARY_FORMAT', 'no "metrics" object: not a k6 --summary-export file', {
      file,
      path: ['metrics'],
      hint: 'pass the file written by `k6 run --summary-export=FILE` (handleSummary output has another shape)',
    });
  }
  const failedThresholds: string[] = [];
  let thresholdCount = 0;
  for (const [metric, aggregates] of Object.entries(metrics as Record<string, { thresholds?: Record<string, unknown> }>)) {
    for (const [expression, failed] of Object.entries(aggregates?.thresholds ?? {})) {
      thresholdCount += 1;
      if (failed === true) failedThresholds.push(`${metric}: ${expression}`);
    }
  }
  const count = (metric: string): number | undefined => {
    const value = (metrics as Record<string, { count?: unknown } | null>)[metric]?.count;
    if (value === undefined) return undefined;
    // JSON.parse reads 1e400 as Infinity: a count must be a whole number, as k6 writes it.
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new UsageError('E_K6_SUMMARY_FORMAT', `expected a count of at least 0, got ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`, {
        file,
        path: ['metrics', metric, 'count'],
        hint: HINT,
      });
    }
    return value;
  };
  const requests = count('http_reqs');
  const droppedIterations = count('dropped_iterations');
  return {
    ...(requests === undefined ? {} : { requests }),
    ...(droppedIterations === undefined ? {} : { droppedIterations }),
    failedThresholds,
    thresholdCount,
  };
}

/** Several runners' summaries as one: counts add up, failed thresholds are listed per runner. */
export function mergeK6Summaries(summaries: readonly K6Summary[]): K6Summary {
  const sum = (pick: (summary: K6Summary) => number | undefined): number | undefined =>
    summaries.some((summary) => pick(summary) === undefined) ? undefined : summaries.reduce((total, summary) => total + pick(summary)!, 0);
  const requests = sum((summary) => summary.requests);
  const droppedIterations = sum((summary) => summary.droppedIterations);
  return {
    ...(requests === undefined ? {} : { requests }),
    ...(droppedIterations === undefined ? {} : { droppedIterations }),
    failedThresholds: summaries.flatMap((summary) => summary.failedThresholds),
    thresholdCount: summaries.reduce((total, summary) => total + summary.thresholdCount, 0),
  };
}
