import { ERROR_CATEGORIES } from '../metrics/index.js';
import type { LatencySummary, RunResult } from '../result/run-result.js';
import { formatSloValue } from '../slo/index.js';
import { alignedTable, formatCount, formatCpu, formatMs, formatOffset, formatRate, formatRatio } from './format.js';
import { sloTally, verdictLabel } from './verdict-label.js';
import { visibleText } from '../visible-text.js';
import { commandEnding } from '../result/fault-command-ending.js';

/**
 * The summary printed at the end of `run`: plain aligned text (it also lands in CI logs, where
 * colours turn into escape codes). A pure function, so it is tested without a terminal. Text from
 * the result (names, messages; a result file can come from anywhere) enters through visibleText.
 */
export function renderConsoleSummary(result: RunResult): string {
  const { summary } = result;
  const lines: string[] = [
    `mtls-chaos ${visibleText(result.scenario.name)}: ${verdictLabel(result)} (${result.status}, ${formatOffset(result.load.actualDurationMs)}` +
      `${result.slos.length > 0 ? `, ${sloTally(result)}` : ', no SLOs'})`,
  ];
  if (result.error) lines.push(`error[${visibleText(result.error.code)}]: ${visibleText(result.error.message)}`);
  lines.push(
    `${formatCount(summary.attempts)} attempts, ${formatCount(summary.succeeded)} succeeded (${formatRatio(summary.successRate)}), ` +
      `${formatRate(summary.attemptsPerSecond)}, ${formatCount(summary.resumed)} resumed, ${formatCount(summary.lateStarts)} late starts`,
  );
  const cpu = [
    result.cpu.gateway && result.cpu.gateway.samples.length > 0 ? `gateway p95 ${formatCpu(result.cpu.gateway.p95)}` : undefined,
    result.cpu.generator.samples.length > 0 ? `generator p95 ${formatCpu(result.cpu.generator.p95)}` : undefined,
  ].filter((part): part is string => part !== undefined);
  if (cpu.length > 0) lines.push(`CPU: ${cpu.join(', ')} (of one core)`);

  const latencyRow = (label: string, latency: LatencySummary): string[] =>
    latency.count === 0 ? [label, '-', '-', '-', '-'] : [label, formatMs(latency.p50), formatMs(latency.p95), formatMs(latency.p99), formatMs(latency.max)];
  lines.push(
    '',
    ...alignedTable(
      ['latency (ms)', 'p50', 'p95', 'p99', 'max'],
      [
        latencyRow('tls handshake', summary.latency.tlsHandshake),
        latencyRow('tcp connect', summary.latency.tcpConnect),
        latencyRow('first byte', summary.latency.firstByte),
        latencyRow('whole attempt', summary.latency.total),
      ],
      [false, true, true, true, true],
    ),
  );

  if (result.slos.length > 0) {
    lines.push(
      '',
      ...alignedTable(
        ['result', 'scope', 'slo', 'measured'],
        result.slos.map((slo) => [
          slo.passed ? 'PASS' : 'FAIL',
          slo.scope,
          slo.expression,
          slo.measured === undefined ? `no data${slo.note ? `: ${slo.note}` : ''}` : formatSloValue(slo.measured, slo.unit, slo.resolutionMs),
        ]),
        [false, false, false, false],
      ),
    );
  }

  const categories = ERROR_CATEGORIES.filter((category) => summary.categories[category] > 0);
  if (categories.length > 0) {
    lines.push(
      '',
      ...alignedTable(
        ['outcome', 'attempts', 'share'],
        categories.map((category) => [
          category,
          formatCount(summary.categories[category]),
          formatRatio(summary.attempts === 0 ? 0 : summary.categories[category] / summary.attempts),
        ]),
        [false, true, true],
      ),
    );
  }

  lines.push(...faultCommandLines(result));
  for (const warning of result.warnings) lines.push('', `warning[${visibleText(warning.code)}]: ${visibleText(warning.message)}`);
  return `${lines.map((line) => line.trimEnd()).join('\n')}\n`;
}

/** Lines of a failed command's output shown on the console (all of it is in summary.md and report.html). */
const FAILED_OUTPUT_LINES = 5;

/** Each command a fault ran, how it ended; a failed one with the end of what it said. */
function faultCommandLines(result: RunResult): string[] {
  const lines: string[] = [];
  result.faults.forEach((fault, index) => {
    for (const command of fault.commands ?? []) {
      lines.push(`fault ${index + 1} ${command.step}: ${command.ok ? 'ok' : 'FAILED'}, ${visibleText(commandEnding(command))}: ${visibleText(command.command)}`);
      if (command.ok) continue;
      const said = command.output.split('\n').filter((line) => line.trim() !== '').slice(-FAILED_OUTPUT_LINES);
      lines.push(...said.map((line) => `  | ${visibleText(line)}`));
    }
  });
  return lines.length === 0 ? [] : ['', ...lines];
}
