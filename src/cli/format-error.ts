import { MtlsChaosError } from '../errors.js';
import { ScenarioError, formatFieldPath } from '../scenario/index.js';
import { visibleLines, visibleMessage, visibleText } from '../visible-text.js';

/**
 * One line a person can act on, then the hint: `error[E_CODE]: <file>: <field.path>: message`.
 * No stack trace unless --debug: a stack is for us, the hint is for the person at 3 a.m.
 *
 * Files, field paths and messages quote what people wrote (a path, a key, a value), so each goes
 * through visibleText where it enters the line: an escape sequence in a field name is shown, not
 * run, and a newline in a value cannot start a line that looks like one of ours. A message of
 * several lines (a process's log tail) keeps them, indented under the error.
 */
export function formatError(error: unknown, debug: boolean): string {
  if (error instanceof ScenarioError && error.problems.length > 1) {
    // Every problem of a scenario on its own line, so one edit can fix them all; the hint once.
    const lines = error.problems.map((problem) => {
      const location = [error.file, problem.path.length ? formatFieldPath(problem.path) : undefined].filter(Boolean).join(': ');
      return `error[${visibleText(problem.code)}]: ${location ? `${visibleText(location)}: ` : ''}${visibleMessage(problem.message)}`;
    });
    if (error.hint) lines.push(`  hint: ${visibleText(error.hint)}`);
    if (debug) lines.push(visibleLines(error.stack ?? ''));
    return lines.join('\n');
  }
  if (error instanceof MtlsChaosError) {
    const location = [error.file, error.path?.length ? error.path.join('.') : undefined].filter(Boolean).join(': ');
    const lines = [`error[${visibleText(error.code)}]: ${location ? `${visibleText(location)}: ` : ''}${visibleMessage(error.message)}`];
    if (error.hint) lines.push(`  hint: ${visibleText(error.hint)}`);
    if (debug) lines.push(visibleLines(error.stack ?? ''), ...causeChain(error).map(visibleLines));
    return lines.join('\n');
  }
  const text = error instanceof Error ? error.message : String(error);
  const lines = [`error[E_INTERNAL]: ${visibleMessage(text)}`];
  lines.push(debug ? visibleLines(error instanceof Error ? error.stack ?? '' : '') : '  hint: this is a bug in mtls-chaos; run again with --debug and report the stack trace');
  return lines.join('\n');
}

function causeChain(error: Error): string[] {
  const lines: string[] = [];
  for (let cause = error.cause; cause; cause = cause instanceof Error ? cause.cause : undefined) {
    lines.push(`caused by: ${cause instanceof Error ? cause.stack ?? cause.message : String(cause)}`);
  }
  return lines;
}
