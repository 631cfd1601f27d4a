/** One span of an alert firing, in epoch ms; `toMs` absent while it was still firing at the range's end. */
export interface FiringSpan {
  readonly fromMs: number;
  readonly toMs?: number;
}

/**
 * Turns the moments a query_range saw an alert firing (epoch ms, on the query's steps; several
 * label sets of one alert give repeated moments) into spans. A missing step or two is a scrape or
 * an evaluation that came late, not a new page: only a gap of more than two steps ends a span.
 * A span ends at the first step it was not seen (when it was seen resolved); one still seen at
 * the last step of the range has no end.
 */
export function firingSpans(seenAtMs: readonly number[], range: { readonly startMs: number; readonly endMs: number; readonly stepMs: number }): FiringSpan[] {
  const moments = [...new Set(seenAtMs)].sort((a, b) => a - b);
  const lastStepMs = range.startMs + Math.floor((range.endMs - range.startMs) / range.stepMs) * range.stepMs;
  const spans: FiringSpan[] = [];
  let fromMs: number | undefined;
  let previousMs = 0;
  const close = (): void => {
    if (fromMs === undefined) return;
    // Half a step of slack: Prometheus returns step times as float seconds.
    spans.push(previousMs >= lastStepMs - range.stepMs / 2 ? { fromMs } : { fromMs, toMs: previousMs + range.stepMs });
  };
  for (const moment of moments) {
    const missedSteps = Math.round((moment - previousMs) / range.stepMs) - 1;
    if (fromMs !== undefined && missedSteps > 2) {
      close();
      fromMs = undefined;
    }
    fromMs ??= moment;
    previousMs = moment;
  }
  close();
  return spans;
}
