import { z } from 'zod';
import { formatDuration, parseDuration } from '../duration.js';

/**
 * A duration option of a fault ("3s", "250ms"), parsed to ms once at the edge. The scenario's
 * own durationField lives in src/scenario, which depends on faults, not the other way round.
 */
export function faultDurationOption(bounds: { readonly minMs: number; readonly maxMs: number; readonly example: string; readonly description: string }) {
  const expected = `a duration like "${bounds.example}" (a number followed by ms, s, m or h)`;
  return z
    .string({ error: () => `expected ${expected}` })
    .meta({ description: `${bounds.description} A duration such as 250ms or 3s.`, examples: [bounds.example] })
    .transform((text, context) => {
      let ms: number;
      try {
        ms = parseDuration(text);
      } catch {
        context.addIssue({ code: 'custom', message: `expected ${expected}, got "${text}"`, input: text });
        return z.NEVER;
      }
      if (ms < bounds.minMs || ms > bounds.maxMs) {
        context.addIssue({
          code: 'custom',
          message: `expected a duration from ${formatDuration(bounds.minMs)} to ${formatDuration(bounds.maxMs)}, got "${text}"`,
          input: text,
        });
        return z.NEVER;
      }
      return ms;
    });
}
