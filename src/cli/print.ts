import { visibleLines } from '../visible-text.js';

/**
 * Everything the CLI prints goes through here: text we assembled, with values from scenario
 * files, result files, flags and peers inside. Control characters are written out
 * (visible-text.ts), never sent to the terminal or the CI log; the newlines are ours and stay.
 * A value that could hold a newline of its own (a path, an SLO, a message) also goes through
 * visibleText where it enters its line, so it cannot start a line that looks like one of ours.
 * The progress lines that redraw themselves (\r, erase) add those codes around visible text.
 */
export function printOut(text: string): void {
  process.stdout.write(visibleLines(text));
}

export function printErr(text: string): void {
  process.stderr.write(visibleLines(text));
}
