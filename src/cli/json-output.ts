import { Option } from 'commander';
import { jsonText } from '../visible-text.js';
import { printOut } from './print.js';
import { writeJsonAtomically } from './write-json-file.js';

/** `--json` and `--json-out FILE`: the same two flags, meaning the same thing, on every command with a JSON form. */
export interface JsonOutputFlags {
  /** Print the JSON on stdout instead of the text (nothing else goes to stdout). */
  readonly json?: boolean;
  /** Also write the JSON to this file (atomically), whatever stdout shows. */
  readonly jsonOut?: string;
}

/** `--json`: print the JSON on stdout instead of the text; `what` names the document ("the summary"). */
export function jsonOption(what: string): Option {
  return new Option('--json', `print ${what} as JSON on stdout instead of text`).default(false);
}

/** `--json-out <file>`: also write the JSON to a file. */
export function jsonOutOption(what: string): Option {
  return new Option('--json-out <file>', `also write ${what} as JSON to <file>`);
}

/**
 * Shows `value` as the flags ask: its text, or its JSON on stdout; and --json-out's file.
 * `oneLine`: the JSON on one line (probe: a loop of probes is then NDJSON).
 */
export async function emitJson(flags: JsonOutputFlags, value: unknown, text: () => string, oneLine = false): Promise<void> {
  printOut(flags.json ? `${jsonText(value, oneLine ? undefined : 2)}\n` : text());
  if (flags.jsonOut !== undefined) await writeJsonAtomically(flags.jsonOut, value, '--json-out');
}
