import { formatMs, formatOffset, formatRate, formatRatio } from '../report/index.js';
import { visibleMessage, visibleText } from '../visible-text.js';
import type { LiveStatus } from './live-status.js';

/** Where the live view writes: a stream, and whether it is a terminal (and how wide). */
export interface LiveOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Rates over the last update, which the view computes from two consecutive statuses. */
export interface RecentRates {
  readonly attemptsPerSecond?: number;
  readonly successRate?: number;
}

const BAR_WIDTH = 30;
const MAX_SLO_LINES = 8;
/** CI logs: one plain line this often. */
export const PLAIN_INTERVAL_MS = 5_000;

/**
 * The block redrawn in place on a terminal while a drill runs: progress, rates, latency, phase,
 * active faults, SLO status so far. Pure: lines in, lines out, so it is tested without a terminal.
 * The scenario's text (name, fault descriptions, SLOs) enters through visibleText: the block is
 * redrawn with cursor movement, and only these codes of ours may move the cursor.
 */
export function renderLiveBlock(status: LiveStatus, recent: RecentRates = {}): string[] {
  const { progress, plannedDurationMs } = status;
  const fraction = Math.min(1, plannedDurationMs > 0 ? progress.elapsedMs / plannedDurationMs : 1);
  const filled = Math.round(fraction * BAR_WIDTH);
  const average = progress.elapsedMs > 0 ? (progress.attempts / progress.elapsedMs) * 1_000 : 0;
  const lines = [
    `mtls-chaos ${visibleText(status.scenario)}  [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${seconds(progress.elapsedMs)} / ${seconds(plannedDurationMs)}  phase ${status.phase}`,
    `  attempts ${progress.attempts}  rate ${rate(recent.attemptsPerSecond ?? average)} (avg ${rate(average)})  success ${percent(successOf(progress))}` +
      `${recent.successRate === undefined ? '' : ` (last second ${percent(recent.successRate)})`}  handshake p95 ${p95(status.recentHandshakeP95Ms)}  in flight ${progress.inFlight}` +
      `${progress.dropped > 0 ? `  dropped ${progress.dropped}` : ''}`,
    status.activeFaults.length === 0
      ? '  faults: none active'
      : `  faults: ${status.activeFaults.map((fault) => `${visibleText(fault.label)} (since ${formatOffset(fault.sinceMs)})`).join('; ')}`,
  ];
  if (status.slos.length > 0) {
    const expressions = status.slos.map((slo) => visibleText(slo.expression));
    const width = Math.max(...expressions.map((expression) => expression.length));
    const scopeWidth = Math.max(...status.slos.map((slo) => slo.scope.length));
    lines.push('  SLOs so far:');
    for (const [index, slo] of status.slos.slice(0, MAX_SLO_LINES).entries()) {
      const mark = slo.state === 'met' ? 'met     ' : slo.state === 'breached' ? 'BREACHED' : 'pending ';
      lines.push(`    ${mark}  ${slo.scope.padEnd(scopeWidth)}  ${(expressions[index] ?? '').padEnd(width)}  ${slo.measured ?? 'no data yet'}`);
    }
    if (status.slos.length > MAX_SLO_LINES) lines.push(`    ... and ${status.slos.length - MAX_SLO_LINES} more`);
  }
  return lines;
}

/** One line for logs that are not a terminal (CI): the same facts, no cursor movement. Pure. */
export function renderPlainLine(status: LiveStatus): string {
  const { progress, plannedDurationMs } = status;
  const average = progress.elapsedMs > 0 ? (progress.attempts / progress.elapsedMs) * 1_000 : 0;
  const counts = { met: 0, breached: 0, pending: 0 };
  for (const slo of status.slos) counts[slo.state] += 1;
  const slos = status.slos.length === 0 ? '' : `  SLOs ${counts.met} met, ${counts.breached} breached, ${counts.pending} pending`;
  const faults = status.activeFaults.length === 0 ? '' : `  faults: ${status.activeFaults.map((fault) => visibleText(fault.label)).join('; ')}`;
  return (
    `${seconds(progress.elapsedMs)}/${seconds(plannedDurationMs)} ${status.phase}  attempts ${progress.attempts} (${rate(average)})` +
    `  success ${percent(successOf(progress))}  handshake p95 ${p95(status.recentHandshakeP95Ms)}${faults}${slos}`
  );
}

/**
 * Shows the status on a terminal by redrawing the block in place (cursor up, clear to the end),
 * or as a plain line every PLAIN_INTERVAL_MS otherwise. Log lines (a fault injected) are printed
 * above the block, which is redrawn under them.
 */
export class LiveView {
  #drawnLines = 0;
  #lastPlainAtMs = Number.NEGATIVE_INFINITY;
  #previous: LiveStatus | undefined;
  #last: { status: LiveStatus; recent: RecentRates } | undefined;

  constructor(
    private readonly output: LiveOutput,
    private readonly now: () => number = Date.now,
  ) {}

  get interactive(): boolean {
    return this.output.isTTY === true;
  }

  update(status: LiveStatus): void {
    const recent = recentRates(this.#previous, status);
    this.#previous = status;
    if (!this.interactive) {
      if (this.now() - this.#lastPlainAtMs < PLAIN_INTERVAL_MS) return;
      this.#lastPlainAtMs = this.now();
      this.output.write(`${renderPlainLine(status)}\n`);
      return;
    }
    this.#last = { status, recent };
    this.#redraw();
  }

  /** A line that stays (lab and fault events): above the block on a terminal. */
  log(text: string): void {
    // Fault events quote descriptions and error messages: shown, never acted on (visible-text.ts).
    const line = visibleMessage(text);
    if (!this.interactive) {
      this.output.write(`${line}\n`);
      return;
    }
    this.#clear();
    this.output.write(`${line}\n`);
    if (this.#last) this.#redraw();
  }

  /** Removes the block (the final summary replaces it). */
  end(): void {
    if (this.interactive) this.#clear();
    this.#last = undefined;
  }

  #redraw(): void {
    if (!this.#last) return;
    const width = Math.max(20, (this.output.columns ?? 120) - 1);
    // Lines cut to the terminal's width: a wrapped line would break the cursor-up count.
    const lines = renderLiveBlock(this.#last.status, this.#last.recent).map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line));
    this.#clear();
    this.output.write(`${lines.join('\n')}\n`);
    this.#drawnLines = lines.length;
  }

  #clear(): void {
    if (this.#drawnLines > 0) this.output.write(`\x1b[${this.#drawnLines}A\r\x1b[J`);
    this.#drawnLines = 0;
  }
}

function recentRates(previous: LiveStatus | undefined, current: LiveStatus): RecentRates {
  if (!previous) return {};
  const elapsed = current.progress.elapsedMs - previous.progress.elapsedMs;
  const attempts = current.progress.attempts - previous.progress.attempts;
  if (elapsed <= 0) return {};
  const succeeded = current.progress.succeeded - previous.progress.succeeded;
  return { attemptsPerSecond: (attempts * 1_000) / elapsed, ...(attempts > 0 ? { successRate: succeeded / attempts } : {}) };
}

function successOf(progress: LiveStatus['progress']): number | undefined {
  return progress.attempts > 0 ? progress.succeeded / progress.attempts : undefined;
}

function seconds(ms: number): string {
  return `${Math.floor(ms / 1_000)}s`;
}

function rate(perSecond: number): string {
  return formatRate(perSecond);
}

function percent(ratio: number | undefined): string {
  return ratio === undefined ? '-' : formatRatio(ratio);
}

function p95(ms: number | undefined): string {
  return ms === undefined ? '-' : `${formatMs(ms)} ms`;
}
