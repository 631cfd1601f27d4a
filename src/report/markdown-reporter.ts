import { join } from 'node:path';
import { ERROR_CATEGORIES } from '../metrics/index.js';
import type { LatencySummary, MetricsSummary, RunResult, SloVerdict } from '../result/run-result.js';
import { commandEnding } from '../result/fault-command-ending.js';
import { formatSloValue } from '../slo/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { runbookFor } from './category-runbook.js';
import { formatCount, formatCpu, formatMs, formatOffset, formatRate, formatRatio } from './format.js';
import { markdownCodeBlock, markdownText } from './markdown-text.js';
import type { Reporter } from './reporter.js';
import { sloTally, verdictLabel } from './verdict-label.js';
import { firingsText } from './alert-windows.js';

export const SUMMARY_FILE_NAME = 'summary.md';

/**
 * summary.md: fit for $GITHUB_STEP_SUMMARY (GitHub-flavoured tables, no HTML, no emoji). Every
 * value from the result goes through markdownText (markdown-text.ts); code spans hold only our
 * own identifiers (outcome categories).
 */
export class MarkdownReporter implements Reporter {
  readonly name = 'markdown';

  async write(result: RunResult, dir: string): Promise<string> {
    const path = join(dir, SUMMARY_FILE_NAME);
    await writeFileAtomic(path, renderMarkdownSummary(result));
    return path;
  }
}

export function renderMarkdownSummary(result: RunResult): string {
  const sections = [
    [`## mtls-chaos: ${markdownText(result.scenario.name)}`, '', verdictLine(result), ...errorLine(result), ...description(result)].join('\n'),
    slosSection(result.slos),
    alertsSection(result),
    loadSection(result),
    latencySection(result.summary),
    outcomesSection(result),
    runbookSection(result),
    warningsSection(result),
    faultCommandsSection(result),
    phasesSection(result),
    replicasSection(result),
  ];
  return `${sections.filter((section) => section !== '').join('\n\n')}\n`;
}

function verdictLine(result: RunResult): string {
  const status =
    result.status === 'completed'
      ? `run completed in ${formatOffset(result.load.actualDurationMs)}`
      : result.status === 'aborted'
        ? `run aborted after ${formatOffset(result.load.actualDurationMs)}`
        : 'run failed';
  return `**${verdictLabel(result)}**: ${sloTally(result)} (${status}).`;
}

function errorLine(result: RunResult): string[] {
  return result.error ? ['', `**Error** ${markdownText(result.error.code)}: ${markdownText(result.error.message)}`] : [];
}

function description(result: RunResult): string[] {
  // Line by line: the description's own lines stay lines, none can open a block of its own.
  return result.scenario.description.trim() ? ['', ...result.scenario.description.trim().split(/\r\n|\n|\r/).map(markdownText)] : [];
}

function slosSection(slos: readonly SloVerdict[]): string {
  if (slos.length === 0) return '';
  const rows = slos.map((slo) => [
    slo.scope,
    markdownText(slo.expression),
    `${slo.operator} ${formatSloValue(slo.threshold, slo.unit)}`,
    slo.measured === undefined ? 'no data' : formatSloValue(slo.measured, slo.unit, slo.resolutionMs),
    slo.passed ? 'PASS' : '**FAIL**',
  ]);
  const notes = slos
    .filter((slo) => slo.note)
    .map((slo) => `- ${markdownText(slo.expression)} (${slo.scope}): ${markdownText(slo.note ?? '')}`);
  return ['### SLOs', '', table(['Scope', 'SLO', 'Target', 'Measured', 'Result'], rows), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** What the scenario's alert rules did (observe.prometheus), one row per alert. */
function alertsSection(result: RunResult): string {
  if (result.alerts === undefined || result.alerts.length === 0) return '';
  const rows = result.alerts.map((alert) => [
    markdownText(alert.name),
    alert.evaluationIntervalMs === undefined ? '' : formatOffset(alert.evaluationIntervalMs),
    String(alert.firings.length),
    markdownText(firingsText(alert)),
  ]);
  return ['### Alerts', '', table(['Alert', 'Evaluated every', 'Firings', 'Firing (since the load started)'], rows)].join('\n');
}

function loadSection(result: RunResult): string {
  const { summary, load, cpu } = result;
  const lines = [
    '### Load',
    '',
    table(
      ['Attempts', 'Succeeded', 'Success rate', 'Rate', 'Resumed', 'Late starts'],
      [[formatCount(summary.attempts), formatCount(summary.succeeded), formatRatio(summary.successRate), formatRate(summary.attemptsPerSecond), formatCount(summary.resumed), formatCount(summary.lateStarts)]],
    ),
    '',
    `Target ${markdownText(load.target)}, ${markdownText(load.profile)}, ${formatCount(load.identities)} client ${load.identities === 1 ? 'identity' : 'identities'}, session resumption ${load.resumption ? 'on' : 'off'}, runtime ${result.scenario.runtime}.`,
  ];
  const cpuParts = [
    cpu.gateway && cpu.gateway.samples.length > 0 ? `gateway p50 ${formatCpu(cpu.gateway.p50)}, p95 ${formatCpu(cpu.gateway.p95)}, max ${formatCpu(cpu.gateway.max)}` : 'gateway not measured',
    cpu.generator.samples.length > 0 ? `generator p50 ${formatCpu(cpu.generator.p50)}, p95 ${formatCpu(cpu.generator.p95)}, max ${formatCpu(cpu.generator.max)}` : 'generator not measured',
  ];
  lines.push('', `CPU (percent of one core): ${cpuParts.join('; ')}.`);
  const config = result.lab.gatewayConfig;
  if (config) lines.push('', `Gateway config: your own, ${markdownText(config.file)} (sha256 ${markdownText(config.sha256.slice(0, 12))}).`);
  return lines.join('\n');
}

function latencySection(summary: MetricsSummary): string {
  const row = (label: string, latency: LatencySummary): string[] =>
    latency.count === 0 ? [label, '-', '-', '-', '-', '0'] : [label, formatMs(latency.p50), formatMs(latency.p95), formatMs(latency.p99), formatMs(latency.max), formatCount(latency.count)];
  return [
    '### Latency (ms)',
    '',
    table(
      ['', 'p50', 'p95', 'p99', 'max', 'measured'],
      [
        row('TLS handshake', summary.latency.tlsHandshake),
        row('TCP connect', summary.latency.tcpConnect),
        row('First byte', summary.latency.firstByte),
        row('Whole attempt', summary.latency.total),
      ],
    ),
  ].join('\n');
}

function outcomesSection(result: RunResult): string {
  const { summary, errorSamples } = result;
  const rows = ERROR_CATEGORIES.filter((category) => summary.categories[category] > 0).map((category) => [
    code(category),
    formatCount(summary.categories[category]),
    formatRatio(summary.attempts === 0 ? 0 : summary.categories[category] / summary.attempts),
    (errorSamples[category] ?? []).map(markdownText).join(', '),
  ]);
  if (rows.length === 0) return '### Outcomes\n\nNo attempts were made.';
  return ['### Outcomes', '', table(['Category', 'Attempts', 'Share', 'Sample errors'], rows)].join('\n');
}

/** For each failure category seen: what it usually means and what to check first (category-runbook.ts). */
function runbookSection(result: RunResult): string {
  const items = ERROR_CATEGORIES.filter((category) => result.summary.categories[category] > 0).flatMap((category) => {
    const entry = runbookFor(category);
    return entry ? [`- ${code(category)}: ${entry.meaning} Check first: ${entry.checkFirst.join(' ')}`] : [];
  });
  return items.length === 0 ? '' : ['### What the failures usually mean', '', ...items].join('\n');
}

function warningsSection(result: RunResult): string {
  if (result.warnings.length === 0) return '';
  return ['### Warnings', '', ...result.warnings.map((warning) => `- ${strong(markdownText(warning.code))}: ${markdownText(warning.message)}`)].join('\n');
}

/** What a team's own commands (command faults) did: how each ended, and what it said. */
function faultCommandsSection(result: RunResult): string {
  const runs = result.faults.flatMap((fault, index) => (fault.commands ?? []).map((command) => ({ index, command })));
  if (runs.length === 0) return '';
  const lines = ['### Fault commands'];
  for (const { index, command } of runs) {
    lines.push('', `Fault ${index + 1}, ${command.step}${command.shell ? ' (shell)' : ''}: ${command.ok ? 'ok' : '**FAILED**'}, ${markdownText(commandEnding(command))}.`, '', markdownCodeBlock(command.command));
    lines.push('', command.output === '' ? 'No output.' : `Output (${formatCount(command.outputBytes)} bytes):`);
    if (command.output !== '') lines.push('', markdownCodeBlock(command.output));
  }
  return lines.join('\n');
}

function phasesSection(result: RunResult): string {
  if (result.phases.length === 0) return '';
  const rows = result.phases.map((window) => {
    const summary = result.byPhase[window.phase];
    return [
      window.phase,
      `${formatOffset(window.startMs)} to ${formatOffset(window.endMs)}`,
      summary ? formatCount(summary.attempts) : '0',
      summary && summary.attempts > 0 ? formatRatio(summary.successRate) : '-',
      summary && summary.latency.tlsHandshake.count > 0 ? formatMs(summary.latency.tlsHandshake.p95) : '-',
    ];
  });
  return ['### Phases', '', table(['Phase', 'Window', 'Attempts', 'Success rate', 'Handshake p95 (ms)'], rows)].join('\n');
}

function replicasSection(result: RunResult): string {
  const replicas = Object.entries(result.byReplica);
  if (replicas.length === 0) return '';
  const rows = replicas.map(([replica, summary]) => [
    markdownText(replica),
    formatCount(summary.attempts),
    formatRatio(summary.successRate),
    summary.latency.tlsHandshake.count > 0 ? formatMs(summary.latency.tlsHandshake.p95) : '-',
  ]);
  return ['### Replicas', '', table(['Replica', 'Attempts', 'Success rate', 'Handshake p95 (ms)'], rows)].join('\n');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Bold around escaped text; nothing around nothing (`****` is no emphasis but four asterisks). */
function strong(escaped: string): string {
  return escaped === '' ? '' : `**${escaped}**`;
}

/** A code span for our own identifiers (outcome categories), never for a value from the result. */
function code(identifier: string): string {
  return `\`${identifier}\``;
}
