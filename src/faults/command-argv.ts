/**
 * The argv of a `command` fault written as one string and run without a shell. The grammar is a
 * strict subset of POSIX sh word splitting, so a line that works here means the same in a shell:
 *
 * - words are separated by spaces, tabs or newlines;
 * - 'single quotes' keep everything up to the next ' as it is;
 * - "double quotes" keep everything up to the next unescaped ", where \" and \\ stand for " and \;
 * - a backslash outside quotes makes the next character literal (`a\ b` is one word);
 * - unbalanced quotes, a trailing backslash and shell syntax outside quotes (| & ; < > ( ) $ ` *)
 *   are refused: without a shell they would be passed on literally (kill -HUP $PID would send
 *   the text "$PID"), which is never what was meant. Quote them, or set `shell: true`.
 *
 * There is no expansion of any kind (variables, globs, ~, command substitution).
 */
const SHELL_SYNTAX = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`', '*']);

export type ArgvSplit = { readonly ok: true; readonly argv: readonly string[] } | { readonly ok: false; readonly problem: string };

export function splitArgv(line: string): ArgvSplit {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  for (let index = 0; index < line.length; index++) {
    const character = line[index]!;
    if (character === ' ' || character === '\t' || character === '\n') {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (character === "'") {
      const end = line.indexOf("'", index + 1);
      if (end < 0) return { ok: false, problem: `unbalanced single quote at character ${index + 1}: close it with '` };
      word += line.slice(index + 1, end);
      index = end;
    } else if (character === '"') {
      let end = index + 1;
      for (; end < line.length && line[end] !== '"'; end++) {
        if (line[end] === '\\' && (line[end + 1] === '"' || line[end + 1] === '\\')) end++;
        word += line[end];
      }
      if (end >= line.length) return { ok: false, problem: `unbalanced double quote at character ${index + 1}: close it with "` };
      index = end;
    } else if (character === '\\') {
      if (index + 1 >= line.length) return { ok: false, problem: 'a trailing backslash escapes nothing' };
      word += line[index + 1];
      index++;
    } else if (SHELL_SYNTAX.has(character)) {
      return {
        ok: false,
        problem: `"${character}" at character ${index + 1} is shell syntax, and this command runs without a shell: set shell: true, or quote it to pass it literally`,
      };
    } else {
      word += character;
    }
  }
  if (inWord) argv.push(word);
  if (argv.length === 0) return { ok: false, problem: 'expected a command, got nothing to run' };
  return { ok: true, argv };
}

/** An argv shown as one line a shell would read back the same (for plans, logs and reports). */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map((word) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ');
}
