import { MtlsChaosError } from '../errors.js';
import { ScenarioError, formatFieldPath } from '../scenario/index.js';

/**
 * One line a person can act on, then the hint: `error[E_CODE]: <file>: <field.path>: message`.
 * No stack trace unless --debug: a stack is for us, the hint is for the person at 3 a.m.
 */
export function formatError(error: unknown, debug: boolean): string {
  if (error instanceof ScenarioError && error.problems.length > 1) {
    // Every problem of a scenario on its own line, so one edit can fix them all; the hint once.
    const lines = error.problems.map((problem) => {
      const location = [error.file, problem.path.length ? formatFieldPath(problem.path) : undefined].filter(Boolean).join(': ');
      return `error[${problem.code}]: ${location ? `${location}: ` : ''}${problem.message}`;
    });
    if (error.hint) lines.push(`  hint: ${error.hint}`);
    if (debug) lines.push(error.stack ?? '');
    return lines.join('\n');
  }
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
