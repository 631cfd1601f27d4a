import { summarizeCpuSamples, type Phase } from '../metrics/index.js';
import type { CpuSeries, RunResult, SloVerdict } from '../result/run-result.js';
import type { ParsedSlo, SloOperator } from './parse-slo.js';
import { findSloMetric, type SloScopeEvidence } from './slo-metrics.js';

export type SloScope = 'run' | Phase;

export interface ScopedSlo {
  readonly slo: ParsedSlo;
  readonly scope: SloScope;
}

/**
 * What the verdicts are judged on. `phases` is optional: with it, CPU SLOs scoped to a phase are
 * judged on that phase's seconds; without it they have no evidence.
 */
export type SloEvidenceSource = Pick<RunResult, 'summary' | 'byPhase' | 'cpu'> &
  Partial<Pick<RunResult, 'phases' | 'recovery' | 'blastRadius' | 'faults' | 'alerts'>>;

/**
 * Judges each SLO in its scope. An SLO with nothing to judge in its scope (no attempts, CPU not
 * known, a phase that never happened) fails with a note: a drill that measured nothing has not
 * shown that the system is healthy.
 */
export function evaluateSlos(slos: readonly ScopedSlo[], result: SloEvidenceSource): SloVerdict[] {
  return slos.map(({ slo, scope }) => {
    const metric = findSloMetric(slo.metric);
    const base = {
      expression: slo.expression,
      scope,
      metric: slo.metric,
      operator: slo.operator,
      threshold: slo.threshold,
      unit: slo.unit,
    };
    if (!metric) return { ...base, passed: false, note: `unknown metric "${slo.metric}"` };
    const evidence = {
      ...evidenceFor(scope, result),
      recovery: result.recovery,
      blastRadius: result.blastRadius,
      faults: result.faults,
      alerts: result.alerts,
      runEndMs: result.phases && result.phases.length > 0 ? Math.max(...result.phases.map((window) => window.endMs)) : undefined,
    };
    const measurement = metric.measure(evidence);
    if ('note' in measurement) return { ...base, passed: false, note: measurement.note };
    // Judged on the value itself: for recovery.time it is an upper bound (back by then), so "<" holds.
    const verdict = { ...base, measured: measurement.value, passed: compare(measurement.value, slo.operator, slo.threshold) };
    return measurement.resolutionMs === undefined ? verdict : { ...verdict, resolutionMs: measurement.resolutionMs };
  });
}

function evidenceFor(scope: SloScope, result: SloEvidenceSource): SloScopeEvidence {
  if (scope === 'run') {
    return {
      summary: result.summary,
      gatewayCpu: knownCpu(result.cpu.gateway),
      generatorCpu: knownCpu(result.cpu.generator),
      scopeLabel: 'the run',
    };
  }
  const windows = (result.phases ?? []).filter((window) => window.phase === scope);
  const inPhase = (series: CpuSeries | undefined): CpuSeries | undefined =>
    series && windows.length > 0
      ? knownCpu(
          summarizeCpuSamples(
            series.samples.filter((sample) => windows.some((w) => sample.second * 1_000 >= w.startMs && sample.second * 1_000 < w.endMs)),
          ),
        )
      : undefined;
  return {
    windows,
    summary: result.byPhase[scope],
    gatewayCpu: inPhase(result.cpu.gateway),
    generatorCpu: inPhase(result.cpu.generator),
    scopeLabel: `the ${scope} phase`,
  };
}

function knownCpu(series: CpuSeries | undefined): CpuSeries | undefined {
  return series && series.samples.length > 0 ? series : undefined;
}

function compare(measured: number, operator: SloOperator, threshold: number): boolean {
  switch (operator) {
    case '<':
      return measured < threshold;
    case '<=':
      return measured <= threshold;
    case '>':
      return measured > threshold;
    case '>=':
      return measured >= threshold;
    case '==':
      // Ratios are quotients: 999/1000 must equal 99.9% despite binary fractions.
      return Math.abs(measured - threshold) <= 1e-9 * Math.max(1, Math.abs(threshold));
  }
}
