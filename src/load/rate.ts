import { UsageError } from '../errors.js';

/** The most attempts per second one generator may be asked for: far beyond one machine (~450/s per process: docs/ARCHITECTURE.md, "Load generator costs"). */
export const MAX_RATE_PER_SECOND = 100_000;

const PER_UNIT_SECONDS = { s: 1, sec: 1, m: 60, min: 60, h: 3_600 } as const;

/**
 * Parses a rate such as `200/s`, `12000/m` or `1.5/s` into attempts per second. Rates are parsed
 * once at the edge (flags, scenario fields) and are numbers inside.
 */
export function parseRate(text: string, field = 'rate'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|m|min|h)\s*$/.exec(text);
  if (!match) {
    throw new UsageError('E_RATE', `${field} must be a rate like 200/s or 12000/m; got "${text}"`, {
      hint: 'write a number, a slash and a unit: /s (per second), /m (per minute) or /h (per hour)',
    });
  }
  const perSecond = Number(match[1]) / PER_UNIT_SECONDS[match[2] as keyof typeof PER_UNIT_SECONDS];
  if (!(perSecond > 0)) {
    throw new UsageError('E_RATE', `${field} must be more than zero; got "${text}"`, { hint: 'use e.g. 1/s or 60/m' });
  }
  if (perSecond > MAX_RATE_PER_SECOND) {
    throw new UsageError('E_RATE', `${field} ${text} is more than the ${MAX_RATE_PER_SECOND}/s a generator may be asked for`, {
      hint: 'one process reaches a few hundred mTLS handshakes per second; scale out with the k6 export for more',
    });
  }
  return perSecond;
}

/** "200/s", "0.5/s": how rates are printed back. */
export function formatRate(perSecond: number): string {
  return `${Number(perSecond.toFixed(3))}/s`;
}
