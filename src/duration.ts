import { UsageError } from './errors.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration such as `250ms`, `30s`, `2m`, `1h30m` or `90d` into milliseconds.
 * Durations are parsed once at the edge (CLI flags, scenario fields) and are numbers inside.
 */
export function parseDuration(text: string, field = 'duration'): number {
  const trimmed = text.trim();
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(trimmed); match; match = pattern.exec(trimmed)) {
    total += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
    consumed = pattern.lastIndex;
  }
  if (trimmed.length === 0 || consumed !== trimmed.length) {
    throw new UsageError('E_DURATION', `${field} must be a duration like 30s, 2m, 1h30m or 250ms; got "${text}"`, {
      hint: 'use a number followed by ms, s, m, h or d',
    });
  }
  // 400 digits parse to Infinity: no bound compares sensibly with it, no timer or Date takes it.
  if (!Number.isFinite(total)) {
    throw new UsageError('E_DURATION', `${field} "${text.length > 40 ? `${text.slice(0, 37)}...` : text}" is too large to be a duration`, {
      hint: 'use a number followed by ms, s, m, h or d, e.g. 30s or 2h',
    });
  }
  return total;
}

/** The shortest readable form: 1500 -> "1.5s", 90000 -> "1m30s". */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(2))}s`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1_000);
  for (const [unit, seconds] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const count = Math.floor(rest / seconds);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * seconds;
  }
  return parts.join('');
}
