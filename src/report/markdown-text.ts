import { visibleLines, visibleText } from '../visible-text.js';

/**
 * Every value from a result (names, descriptions, SLOs as written, messages, sample errors) goes
 * into summary.md through this one function. summary.md lands in $GITHUB_STEP_SUMMARY, which
 * GitHub renders as Markdown with HTML, so a value must read as the text it is:
 * - `<` and `&` become entities: no tag, comment, autolink or entity of the value's own
 *   (entities, not backslashes, because they mean the same in HTML and in every Markdown);
 *   `>` closes nothing without a `<` and stays, but for a blockquote at the start of a line;
 * - the Markdown punctuation that opens something inline is backslash-escaped (CommonMark allows
 *   it before any ASCII punctuation): `\` first, then backticks (code spans), `*` (emphasis),
 *   `_` where it can be emphasis (not inside a word: E_ABORTED stays as written), `[` and `]`
 *   (links, images), `|` (GFM table cells: GitHub splits a row on an unescaped pipe before
 *   anything else), `~` (strikethrough, fences) and `$` (GitHub's math);
 * - what opens a block at the start of a line (`#` heading, `>` quote, `-`/`+` list or rule,
 *   `=` setext heading, `1.` ordered list, indentation for code) is escaped or trimmed there,
 *   and the end is trimmed too (`**text **` would not be bold, two trailing spaces a line break);
 * - line terminators become a space (one value is one line: a table row stays one row) and other
 *   control characters are written out (visible-text.ts).
 * A value of several lines (a description) is split by the caller and each line passed here.
 */
const LINE_TERMINATORS = /\r\n|[\n\r\u2028\u2029]/g;
const INLINE_MARKDOWN = /[\\`*[\]|~$]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;
const HTML: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;' };
const BLOCK_MARKER = /^[#>+=-]/;

export function markdownText(value: string): string {
  const text = visibleText(value.replace(LINE_TERMINATORS, ' '))
    .replace(INLINE_MARKDOWN, (character) => `\\${character}`)
    .replace(/[&<]/g, (character) => HTML[character] ?? character)
    .trim();
  return text.replace(BLOCK_MARKER, (marker) => `\\${marker}`).replace(/^(\d+)([.)])/, '$1\\$2');
}

/**
 * Text of several lines from the result (a command's output) as a fenced code block: inside it
 * nothing is Markdown or HTML, and only a fence of at least as many backticks could end it, so
 * the fence is one longer than the longest run of backticks in the text. Control characters are
 * written out (visible-text.ts); the lines stay lines.
 */
export function markdownCodeBlock(text: string): string {
  const longestRun = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  const body = visibleLines(text.replace(/\r\n/g, '\n')).replace(/\n$/, '');
  return `${fence}\n${body}\n${fence}`;
}
