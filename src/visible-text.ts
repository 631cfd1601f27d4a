/**
 * Text from a scenario, a result file, a certificate or a peer is shown to people (terminals,
 * CI logs, summary.md, junit.xml) with every character that would act rather than show written
 * out visibly: ESC as \x1b, a bare CR as \r, U+2028 as \u2028. Otherwise a description could
 * clear the screen, write the clipboard (OSC 52), rewrite a line into a fake "ok" (CR,
 * backspace), reorder what a reviewer reads (bidi overrides) or end a line where a reader does
 * not expect it. This file is the one definition of those characters for every output.
 *
 * Escaped: C0 controls U+0000-U+001F (tab and newline included: inside a value they are
 * not ours), DEL, C1 controls U+0080-U+009F (0x9b is a one-byte CSI on some terminals), the
 * line and paragraph separators U+2028/U+2029, the Unicode Bidi_Control characters (U+061C,
 * U+200E/U+200F, U+202A-U+202E, U+2066-U+2069) and lone surrogates. A backslash stays as it is:
 * a value may spell "\x1b" itself, which is then shown as typed and is equally harmless.
 */
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Bidi_Control}]|\p{Cs}/gu;
const ACTIVE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\p{Bidi_Control}]|\p{Cs}/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** How one active character is shown: \n, \r, \t, \xHH below U+0100, \uHHHH above. */
export function showCharacter(character: string): string {
  const named = NAMED[character];
  if (named) return named;
  const code = character.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A value inside one line of output: every active character shown, newlines included. */
export function visibleText(value: string): string {
  return value.replace(ACTIVE, showCharacter);
}

/**
 * A message that may run over several lines (an error with a process's log tail): each line shown
 * as visibleText, later lines indented under the first so none can pass for a line of ours.
 */
export function visibleMessage(text: string): string {
  return text
    .split('\n')
    .map((line) => visibleText(line))
    .join('\n    ');
}

/** Text of several lines we assembled: every active character shown except the newlines. */
export function visibleLines(text: string): string {
  return text.replace(ACTIVE_BUT_NEWLINE, showCharacter);
}


/**
 * JSON for generated code and for JSON printed to a terminal. JSON.stringify escapes quotes,
 * backslashes, C0 controls and lone surrogates, but leaves DEL, C1 controls, U+2028/U+2029 and
 * bidi controls raw. U+2028/U+2029 are valid in JSON, and in JavaScript string literals only since
 * ES2019 (a line terminator before, as for tools that follow the old grammar). Here each is a
 * \uHHHH escape: the same value for any parser, and nothing that acts on a terminal or a reader.
 */
const ACTIVE_AFTER_JSON = /[\u007f-\u009f\u2028\u2029\p{Bidi_Control}]/gu;

export function jsonText(value: unknown, indent?: number): string {
  const json = JSON.stringify(value, null, indent) as string | undefined;
  if (json === undefined) throw new TypeError('jsonText: the value has no JSON form');
  return json.replace(ACTIVE_AFTER_JSON, (character) => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
