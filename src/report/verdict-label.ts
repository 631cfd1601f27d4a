import type { RunResult, SloVerdict } from '../result/run-result.js';

/**
 * The badge every renderer leads with. A run stopped by a signal is ABORTED, not FAIL: its SLOs
 * were judged on the part it measured, so "FAIL, all 3 SLOs met" would contradict itself, and
 * "PASS" would claim a drill that never finished. The result's `verdict` stays `fail` (and the
 * exit code 130/143, see src/run/run-scenario.ts): this is how it reads, not what it is.
 */
export type VerdictLabel = 'PASS' | 'FAIL' | 'ABORTED';

export function verdictLabel(result: Pick<RunResult, 'status' | 'verdict'>): VerdictLabel {
  if (result.status === 'aborted') return 'ABORTED';
  return result.verdict === 'pass' ? 'PASS' : 'FAIL';
}

/** "all 3 SLOs met", "1 of 3 SLOs breached", "no SLOs were set"; an aborted run says the SLOs saw only part of it. */
export function sloTally(result: Pick<RunResult, 'status'> & { readonly slos: readonly SloVerdict[] }): string {
  const { slos } = result;
  if (slos.length === 0) return 'no SLOs were set';
  const breached = slos.filter((slo) => !slo.passed).length;
  const tally = breached === 0 ? `all ${slos.length} SLOs met` : `${breached} of ${slos.length} SLOs breached`;
  return result.status === 'aborted' ? `${tally} before the abort` : tally;
}
