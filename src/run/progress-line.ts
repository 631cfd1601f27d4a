import type { LoadProgress } from '../load/index.js';

export interface ProgressSnapshot {
  readonly progress: LoadProgress;
  readonly plannedDurationMs: number;
  /** TLS handshake p95 over the last second, ms; undefined when nothing finished in it. */
  readonly recentHandshakeP95Ms: number | undefined;
}

const BAR_WIDTH = 20;

/** One line: elapsed/total with a bar, attempts and rate, success, recent p95, in flight. Pure. */
export function renderProgressLine(snapshot: ProgressSnapshot): string {
  const { progress, plannedDurationMs } = snapshot;
  const fraction = Math.min(1, plannedDurationMs > 0 ? progress.elapsedMs / plannedDurationMs : 1);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`;
  const seconds = (ms: number) => `${Math.floor(ms / 1000)}s`;
  const rate = progress.elapsedMs > 0 ? (progress.attempts / progress.elapsedMs) * 1000 : 0;
  const success = progress.attempts > 0 ? `${((progress.succeeded / progress.attempts) * 100).toFixed(1)}%` : '-';
  const p95 = snapshot.recentHandshakeP95Ms === undefined ? '-' : `${snapshot.recentHandshakeP95Ms.toFixed(1)}ms`;
  const extra = [
    progress.dropped > 0 ? `dropped ${progress.dropped}` : '',
    progress.lateStarts > 0 ? `late ${progress.lateStarts}` : '',
  ].filter(Boolean);
  return (
    `[${bar}] ${seconds(progress.elapsedMs)}/${seconds(plannedDurationMs)}  attempts ${progress.attempts} (${rate.toFixed(1)}/s)` +
    `  ok ${success}  handshake p95 ${p95}  in flight ${progress.inFlight}${extra.length ? `  ${extra.join('  ')}` : ''}`
  );
}

/** p95 of a small sample (one second of handshakes), by sorting: exact and cheap at this size. */
export function p95Of(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
}
