import type { BenchReport, BenchStep } from './bench-report.js';

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const pct = (ratio: number) => `${(ratio * 100).toFixed(2)}%`;
const cpu = (value: { p95: number } | null) => (value ? `${fixed(value.p95, 0)}%` : '-');

/** A step's verdict in one word or three: pass, FAIL (limit), or an inconclusive failure. */
function stepVerdict(step: BenchStep): string {
  if (step.passed) return 'pass';
  return step.inconclusive ? `inconclusive (${step.limit ?? 'generator'}, disturbed)` : `FAIL (${step.limit ?? 'generator'})`;
}

/** One progress line per step, printed as it ends; a disturbed step says by what. */
export function formatStepLine(step: BenchStep): string {
  return (
    `step ${step.index + 1} ${step.phase.padEnd(7)} offered ${fixed(step.offeredRate)}/s achieved ${fixed(step.achievedRate)}/s ` +
    `success ${pct(step.successRate)} handshake p95 ${fixed(step.latency.handshake.p95, 2)} ms ` +
    `gateway cpu ${cpu(step.gatewayCpu)} generator cpu ${cpu(step.generatorCpu)} stall ${fixed(stallMs(step), 0)} ms: ${stepVerdict(step)}` +
    (step.noiseReasons.length > 0 ? `\n  noise: ${step.noiseReasons.join('; ')}` : '')
  );
}

/** The generator's worst stall in the step: a late start or its event loop running late. */
const stallMs = (step: BenchStep) => Math.max(step.generator.maxStartDelayMs, step.generator.eventLoopDelayMaxMs);

/** The final table of a bench: every step, then the capacity and what limited it. Pure. */
export function formatBenchReport(report: BenchReport): string {
  const header = ['#', 'phase', 'offered/s', 'achieved/s', 'success', 'hs p50', 'hs p95', 'hs p99', 'total p95', 'gw cpu', 'gen cpu', 'late', 'stall ms', 'load', 'verdict'];
  const rows = report.steps.map((step) => [
    String(step.index + 1),
    step.phase,
    fixed(step.offeredRate),
    fixed(step.achievedRate),
    pct(step.successRate),
    fixed(step.latency.handshake.p50, 2),
    fixed(step.latency.handshake.p95, 2),
    fixed(step.latency.handshake.p99, 2),
    fixed(step.latency.total.p95, 2),
    cpu(step.gatewayCpu),
    cpu(step.generatorCpu),
    String(step.generator.lateStarts),
    fixed(stallMs(step), 0),
    step.machine.loadAverageEnd === null ? '-' : fixed(step.machine.loadAverageEnd, 1),
    stepVerdict(step),
  ]);
  const lines = [
    `bench ${report.target}${report.configuration ? ` (${report.configuration})` : ''}`,
    `  SLOs: ${report.slos.join(', ')}`,
    '',
    ...renderTable(header, rows, new Set([0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])).map((line) => `  ${line}`),
    '',
    `capacity: ${report.capacityText} (limited by ${report.limitedBy}${report.confirmed ? ', confirmed by a repeat step' : ', NOT confirmed'}${report.converged ? '' : ', search not converged'})`,
    `generator: ${workersSentence(report.settings)}`,
  ];
  if (report.noise) {
    lines.push(
      report.limitedBy === 'noise'
        ? `  too noisy to tell: the capacity is at least ${report.noise.lowRate}/s and below ${report.noise.highRate}/s; rerun on a quieter machine, or with a longer --step`
        : `  noise seen (the knee above still stands; the capacity lies between ${report.noise.lowRate}/s and ${report.noise.highRate}/s):`,
      ...report.noise.reasons.map((reason) => `  - ${reason}`),
    );
  }
  if (report.limitedBy === 'generator') {
    lines.push(
      `  the load generator, not the gateway, was the limit at ${report.failingRate}/s: ${report.generatorReasons.join('; ') || 'it could not keep the schedule'}`,
      '  the gateway takes at least this much; add --workers or run the generator on another machine to find its real knee',
    );
  } else if (report.limitedBy === 'max') {
    lines.push(`  every step passed up to --max ${report.settings.maxRate}/s: raise --max to find the knee`);
  } else if (report.limitedBy === 'steps') {
    lines.push(`  the step budget (--max-steps ${report.settings.maxSteps}) ran out before a step failed`);
  }
  return `${lines.join('\n')}\n`;
}

/** Columns padded to their widest cell; `right` holds the indexes of right-aligned columns. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string[] {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (row: readonly string[]) =>
    row
      .map((cell, column) => (right.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(render)];
}

/** "2 worker threads (every core: the target is not on this machine)". */
export function workersSentence(settings: BenchReport['settings']): string {
  const why = { flag: '--workers', 'remote-target': 'every core: the target is not on this machine', 'local-target': 'one core left to the target on this machine' }[settings.workersChosenBy];
  return `${settings.workers} worker thread${settings.workers === 1 ? '' : 's'} (${why})`;
}
