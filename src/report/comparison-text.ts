import { formatSloValue } from '../slo/index.js';
import type { Comparison, MetricChange, RunIdentity, SloChange } from './compare-results.js';
import { alignedTable, formatCpu, formatMs, formatRate, formatRatio } from './format.js';
import { verdictLabel } from './verdict-label.js';
import { visibleText } from '../visible-text.js';

/** `mtls-chaos compare` output: what changed, regressions marked; plain text for CI logs. Pure. Values from the result files enter through visibleText (visible-text.ts). */
export function renderComparison(comparison: Comparison): string {
  const { baseline, candidate, options } = comparison;
  const lines = [
    `baseline:  ${visibleText(baseline.scenario)} started ${visibleText(baseline.startedAt)} (${runState(baseline)})`,
    `candidate: ${visibleText(candidate.scenario)} started ${visibleText(candidate.startedAt)} (${runState(candidate)})`,
    `tolerance: ${formatRatio(options.tolerance)} relative on latency, rate and CPU; ${formatPoints(options.rateTolerance)} on success and failure rates`,
    '',
    ...alignedTable(
      ['', 'metric', 'baseline', 'candidate', 'change'],
      comparison.metrics.map((change) => [change.regressed ? 'REGRESSED' : '', change.metric, value(change, change.baseline), value(change, change.candidate), describeChange(change)]),
      [false, false, true, true, false],
    ),
  ];
  if (comparison.slos.length > 0) {
    lines.push(
      '',
      ...alignedTable(
        ['', 'scope', 'slo', 'baseline', 'candidate', 'change'],
        comparison.slos.map((change) => [
          change.regressed ? 'REGRESSED' : '',
          change.scope,
          change.expression,
          sloSide(change, change.baseline),
          sloSide(change, change.candidate),
          change.change,
        ]),
        [false, false, false, false, false, false],
      ),
    );
  }
  for (const warning of comparison.warnings) lines.push('', `warning: ${visibleText(warning)}`);
  lines.push(
    '',
    comparison.regressions === 0 ? 'no regression beyond the tolerance' : `${comparison.regressions} regression${comparison.regressions === 1 ? '' : 's'} beyond the tolerance`,
  );
  return `${lines.map((line) => line.trimEnd()).join('\n')}\n`;
}

/** "completed, PASS"; an aborted run is just "ABORTED" (see verdict-label.ts). */
function runState(run: RunIdentity): string {
  const label = verdictLabel(run);
  return label === 'ABORTED' ? label : `${run.status}, ${label}`;
}

function value(change: MetricChange, measured: number | undefined): string {
  if (measured === undefined) return '-';
  switch (change.unit) {
    case 'ms':
      return change.resolutionMs === undefined ? `${formatMs(measured)} ms` : formatSloValue(measured, 'ms', change.resolutionMs);
    case 'ratio':
      return formatRatio(measured);
    case 'per_second':
      return formatRate(measured);
    case 'percent':
      return formatCpu(measured);
  }
}

function describeChange(change: MetricChange): string {
  if (change.delta === undefined) return change.note ?? '';
  if (change.delta === 0) return 'same';
  if (change.unit === 'ratio') return `${change.delta > 0 ? '+' : '-'}${formatPoints(Math.abs(change.delta))}`;
  const relative = change.relativeChange === undefined ? '' : ` (${change.relativeChange > 0 ? '+' : ''}${(change.relativeChange * 100).toFixed(1)}%)`;
  return `${change.delta > 0 ? '+' : '-'}${value(change, Math.abs(change.delta))}${relative}`;
}

/** An absolute difference of ratios, in percentage points. */
function formatPoints(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))} pp`;
}

function sloSide(change: SloChange, side: SloChange['baseline']): string {
  if (!side) return '-';
  return `${side.passed ? 'PASS' : 'FAIL'} ${side.measured === undefined ? 'no data' : formatSloValue(side.measured, change.unit, side.resolutionMs)}`;
}
