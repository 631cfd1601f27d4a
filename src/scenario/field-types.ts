import { z } from 'zod';
import { formatDuration, parseDuration } from '../duration.js';
import { formatRate, parseRate } from '../load/index.js';

/**
 * The field types scenarios share: durations and rates are strings at the edge (what people
 * write in YAML, what the JSON Schema shows editors) and numbers inside (`...Ms`, `...PerSecond`).
 * Each message says what was expected and what was found.
 */

/** A found value as a person would recognise it in their file. */
export function describeValue(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input);
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') return String(input);
  if (Array.isArray(input)) return `a list of ${input.length}`;
  if (typeof input === 'function') return 'a function';
  if (typeof input === 'object') return 'an object';
  return typeof input;
}

/** "expected X, got Y", or "is required: X" when the field is absent. */
export function expectedGot(expected: string, input: unknown): string {
  return input === undefined ? `is required: expected ${expected}` : `expected ${expected}, got ${describeValue(input)}`;
}

/** The rate grammar of src/load/rate.ts (`200/s`, `12000/m`, `5/h`), for the JSON Schema and zero. */
const RATE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|m|min|h)\s*$/;

const DURATION_PATTERN = /^(\d+(\.\d+)?(ms|s|m|h|d))+$/;

/** Timers tick in whole milliseconds: a duration that must be positive must be at least this. */
const SMALLEST_POSITIVE_MS = 1;

export interface DurationBounds {
  /** Smallest allowed value; `exclusive` means the value must be strictly greater (and at least 1 ms). */
  readonly minMs: number;
  readonly minExclusive?: boolean;
  readonly maxMs: number;
  readonly example: string;
  readonly description: string;
}

/** A duration string such as `30s`, `2m`, `1h30m` or `250ms`, parsed to milliseconds. */
export function durationField(bounds: DurationBounds) {
  const expected = `a duration like "${bounds.example}" (a number followed by ms, s, m, h or d)`;
  return z
    .string({ error: (issue) => expectedGot(expected, issue.input) })
    .regex(DURATION_PATTERN, { error: (issue) => expectedGot(expected, issue.input) })
    .meta({ description: `${bounds.description} A duration such as 250ms, 30s, 2m, 1h30m or 90d.`, examples: [bounds.example] })
    .transform((text, context) => {
      const ms = finiteDurationMs(text);
      if (ms === undefined) {
        context.addIssue({ code: 'custom', message: `expected a duration of at most ${formatDuration(bounds.maxMs)}, got ${describeValue(text)}: too large to be a number`, input: text });
        return z.NEVER;
      }
      if (bounds.minExclusive && bounds.minMs === 0 && ms > 0 && ms < SMALLEST_POSITIVE_MS) {
        context.addIssue({
          code: 'custom',
          message: `expected a duration of at least ${SMALLEST_POSITIVE_MS}ms, got "${text}": it rounds to nothing (timers count whole milliseconds)`,
          input: text,
        });
        return z.NEVER;
      }
      const tooSmall = bounds.minExclusive ? ms <= bounds.minMs : ms < bounds.minMs;
      if (tooSmall || ms > bounds.maxMs) {
        const low = bounds.minExclusive ? (bounds.minMs === 0 ? 'above 0' : `more than ${formatDuration(bounds.minMs)}`) : `of at least ${formatDuration(bounds.minMs)}`;
        context.addIssue({
          code: 'custom',
          message: `expected a duration ${low} and at most ${formatDuration(bounds.maxMs)}, got "${text}"`,
          input: text,
        });
        return z.NEVER;
      }
      return ms;
    });
}

/** The duration in ms, or undefined when it overflows (parseDuration refuses Infinity). */
function finiteDurationMs(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

export interface RateBounds {
  readonly allowZero: boolean;
  readonly maxPerSecond: number;
  readonly example: string;
  readonly description: string;
}

/** A rate string such as `200/s`, `12000/m` or `5/h`, parsed to attempts per second. */
export function rateField(bounds: RateBounds) {
  const expected = `a rate like "${bounds.example}" (a number, a slash, and s, m or h)`;
  return z
    .string({ error: (issue) => expectedGot(expected, issue.input) })
    .regex(RATE_PATTERN, { error: (issue) => expectedGot(expected, issue.input) })
    .meta({ description: `${bounds.description} A rate such as 50/s, 12000/m (per minute) or 5/h (per hour).`, examples: [bounds.example] })
    .transform((text, context) => {
      // load's parseRate refuses 0/s, which a ramp may start or end at.
      const perSecond = Number(RATE_PATTERN.exec(text)?.[1]) === 0 ? 0 : rateOrInfinity(text);
      if ((!bounds.allowZero && perSecond <= 0) || perSecond > bounds.maxPerSecond) {
        const low = bounds.allowZero ? 'of at least 0/s' : 'above 0/s';
        context.addIssue({
          code: 'custom',
          message: `expected a rate ${low} and at most ${formatRate(bounds.maxPerSecond)}, got "${text}"`,
          input: text,
        });
        return z.NEVER;
      }
      return perSecond;
    });
}

function rateOrInfinity(text: string): number {
  try {
    return parseRate(text);
  } catch {
    return Number.POSITIVE_INFINITY; // beyond load's maximum: reported against our bounds
  }
}

/** A whole number in [min, max]. */
export function countField(min: number, max: number, description: string) {
  const expected = `a whole number from ${min} to ${max}`;
  return z
    .number({ error: (issue) => expectedGot(expected, issue.input) })
    .int({ error: (issue) => expectedGot(expected, issue.input) })
    .min(min, { error: (issue) => expectedGot(expected, issue.input) })
    .max(max, { error: (issue) => expectedGot(expected, issue.input) })
    .meta({ description });
}
