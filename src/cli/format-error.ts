import { MtlsChaosError } from '../errors.js';

/**
 * One line a person can act on, then the hint: `error[E_CODE]: <file>: <field.path>: message`.
 * No stack trace unless --debug: a stack is for us, the hint is for the person at 3 a.m.
 */
export function formatError(error: unknown, debug: boolean): string {
  if (error instanceof MtlsChaosError) {
    const location = [error.file, error.path?.length ? error.path.join('.') : undefined].filter(Boolean).join(': ');
    const lines = [`error[${error.code}]: ${location ? `${location}: ` : ''}${error.message}`];
    if (error.hint) lines.push(`  hint: ${error.hint}`);
    if (debug) lines.push(error.stack ?? '', ...causeChain(error));
    return lines.join('\n');
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`error[E_INTERNAL]: ${message}`];
  lines.push(debug ? (error instanceof Error ? error.stack ?? '' : '') : '  hint: this is a bug in mtls-chaos; run again with --debug and report the stack trace');
  return lines.join('\n');
}

function causeChain(error: Error): string[] {
  const lines: string[] = [];
  for (let cause = error.cause; cause; cause = cause instanceof Error ? cause.cause : undefined) {
    lines.push(`caused by: ${cause instanceof Error ? cause.stack ?? cause.message : String(cause)}`);
  }
  return lines;
}
