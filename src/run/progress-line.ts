import type { LoadProgress } from '../load/index.js';

/** What the load reports each second; the live status (live-status.ts) builds on it. */
export interface ProgressSnapshot {
  readonly progress: LoadProgress;
  readonly plannedDurationMs: number;
  /** TLS handshake p95 over the last second, ms; undefined when nothing finished in it. */
  readonly recentHandshakeP95Ms: number | undefined;
}

/** p95 of a small sample (one second of handshakes), by sorting: exact and cheap at this size. */
export function p95Of(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
}
