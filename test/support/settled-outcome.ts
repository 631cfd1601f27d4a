import { expect } from 'vitest';
import { formatError } from '../../src/cli/format-error.js';

/** What `run` gave, value or thrown error, after checking it settled within `boundMs` (a hang or a slow path fails here). */
export async function settledWithin(run: () => unknown, boundMs: number): Promise<unknown> {
  const started = performance.now();
  let outcome: unknown;
  try {
    outcome = await run();
  } catch (error) {
    outcome = error;
  }
  expect(performance.now() - started).toBeLessThan(boundMs);
  return outcome;
}

/** An error as the CLI prints it for bad input: a first line `error[E_...]: <file>...`, no stack trace. */
export function expectPrintedInputError(error: Error, file: string): void {
  const printed = formatError(error, false);
  expect(printed.split('\n')[0]).toMatch(/^error\[E_[A-Z0-9_]+\]: /);
  expect(printed.split('\n')[0]).toContain(file);
  expect(printed).not.toMatch(/^\s+at /m);
}
