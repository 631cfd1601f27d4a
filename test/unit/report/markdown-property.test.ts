import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { describe, expect, it } from 'vitest';
import { markdownText, renderMarkdownSummary } from '../../../src/report/index.js';
import { visibleText } from '../../../src/visible-text.js';
import { ACTIVE_BUT_NEWLINE } from '../../support/hostile-text.js';
import { PLAIN_TEXT, runResultText, runResultWith, type RunResultText } from './fixtures/hostile-run-result.js';

/**
 * summary.md goes into $GITHUB_STEP_SUMMARY, rendered as GitHub-flavoured Markdown with HTML.
 * Rendered here by an independent CommonMark + GFM implementation (markdown-it, raw HTML on as
 * on GitHub): whatever strings the result holds, the document has the blocks, tables, rows and
 * formatting of a plain one, no HTML of its own, and each value reads back as the text it is.
 */
const markdown = new MarkdownIt({ html: true });

/** What a person reads for a value: one line, control characters written out, spaces collapsed. */
function shown(value: string): string {
  return collapse(visibleText(value.replace(/\r\n|[\n\r\u2028\u2029]/g, ' ')));
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The text of an inline token as rendered, and the formatting inside it. */
function inlineText(token: Token): { text: string; formatting: string[] } {
  let text = '';
  const formatting: string[] = [];
  for (const child of token.children ?? []) {
    if (child.type === 'text' || child.type === 'code_inline') text += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') text += '\n';
    if (child.type !== 'text' && child.type !== 'softbreak') formatting.push(child.type);
  }
  return { text, formatting };
}

interface Rendered {
  /** Block tokens but paragraphs and inline content: headings, tables, rows, cells, lists. */
  readonly blocks: string[];
  /** Each inline run, with the block it sits in. */
  readonly inlines: { readonly block: string; readonly text: string; readonly formatting: string[] }[];
  readonly html: string[];
}

function render(text: RunResultText): Rendered {
  const tokens = markdown.parse(renderMarkdownSummary(runResultWith(text)), {});
  const html: string[] = [];
  const inlines: Rendered['inlines'] = [];
  tokens.forEach((token, index) => {
    if (token.type === 'html_block') html.push(token.content);
    if (token.type !== 'inline') return;
    for (const child of token.children ?? []) if (child.type === 'html_inline') html.push(child.content);
    inlines.push({ block: tokens[index - 1]?.tag ?? '', ...inlineText(token) });
  });
  return { blocks: tokens.filter((token) => !['paragraph_open', 'paragraph_close', 'inline'].includes(token.type)).map((token) => `${token.type}:${token.tag}`), inlines, html };
}

function formattingCounts(rendered: Rendered): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of rendered.inlines.flatMap((inline) => inline.formatting)) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** The cells of the table whose first header cell is `firstHeader`, row by row. */
function tableRows(rendered: Rendered, firstHeader: string, columns: number): string[][] {
  const start = rendered.inlines.findIndex((inline) => inline.block === 'th' && inline.text === firstHeader);
  const cells = rendered.inlines.slice(start + columns).filter((inline, index, all) => all.slice(0, index + 1).every((cell) => cell.block === 'td'));
  const rows: string[][] = [];
  for (let index = 0; index < cells.length; index += columns) rows.push(cells.slice(index, index + columns).map((cell) => cell.text));
  return rows;
}

describe('summary.md under generated strings (fast-check, rendered by markdown-it)', () => {
  const plain = render(PLAIN_TEXT);

  it('the plain fixture renders without HTML and with the tables we write', () => {
    expect(plain.html).toEqual([]);
    expect(plain.blocks.filter((block) => block === 'tr_open:tr').length).toBe(2 + 6 + 5 + 4 + 2 + 4);
  });

  it('no HTML, the same blocks, rows and formatting, and every value reads back as written', () => {
    fc.assert(
      fc.property(runResultText, (text) => {
        const source = renderMarkdownSummary(runResultWith(text));
        expect(source).not.toMatch(ACTIVE_BUT_NEWLINE);
        const rendered = render(text);
        expect(rendered.html).toEqual([]);
        expect(rendered.blocks).toEqual(plain.blocks);
        // The formatting is ours only; a warning without a code (shown empty) loses its bold.
        const expected = formattingCounts(plain);
        if (shown(text.warningCode) === '') for (const type of ['strong_open', 'strong_close']) expected.set(type, (expected.get(type) ?? 0) - 1);
        expect(formattingCounts(rendered)).toEqual(expected);

        const texts = rendered.inlines.map((inline) => collapse(inline.text));
        expect(rendered.inlines[0]).toMatchObject({ block: 'h2' });
        expect(texts[0]).toBe(collapse(`mtls-chaos: ${shown(text.name)}`));
        expect(texts).toContain(collapse(`Error ${shown(text.errorCode)}: ${shown(text.errorMessage)}`));
        // The description: its own lines, in paragraphs between the error and the SLOs.
        const errorAt = texts.indexOf(collapse(`Error ${shown(text.errorCode)}: ${shown(text.errorMessage)}`));
        const slosAt = rendered.inlines.findIndex((inline) => inline.block === 'h3');
        expect(collapse(texts.slice(errorAt + 1, slosAt).join(' '))).toBe(shown(text.description.trim()));

        const slos = tableRows(rendered, 'Scope', 5);
        expect(slos.map((row) => collapse(row[1]!))).toEqual(text.expressions.map(shown));
        expect(collapse(tableRows(rendered, 'Category', 4).find((row) => row[0] === 'cert_expired')?.[3] ?? '')).toBe(shown(text.sample));
        expect(tableRows(rendered, 'Replica', 4).map((row) => collapse(row[0]!))).toEqual([shown(text.replica)]);
        expect(texts).toContain(collapse(`${shown(text.warningCode)}: ${shown(text.warningMessage)}`));
        expect(texts.find((line) => line.startsWith('Target '))).toContain(collapse(`Target ${shown(text.target)}, ${shown(text.profile)}, 10 client identities`));
        expect(texts).toContain(collapse(`${shown(text.expressions[4])} (recovery): ${shown(text.note)}`));
      }),
      { numRuns: 200 },
    );
  });

  it('markdownText: HTML, emphasis, code, links, tables and block markers come out as text', () => {
    const cases: [string, string][] = [
      ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)>'],
      ['<!-- hidden -->', '&lt;!-- hidden -->'],
      ['&lt;', '&amp;lt;'],
      ['a | b', 'a \\| b'],
      ['`code` **bold** _em_ snake_case', '\\`code\\` \\*\\*bold\\*\\* \\_em\\_ snake_case'],
      ['[link](https://example.org) ![img](x)', '\\[link\\](https://example.org) !\\[img\\](x)'],
      ['# heading', '\\# heading'],
      ['> quote', '\\> quote'],
      ['- item', '\\- item'],
      ['12. item', '12\\. item'],
      ['    indented code', 'indented code'],
      ['one\ntwo\r\nthree\u2028four', 'one two three four'],
      ['\u001b[2J\\', '\\\\x1b\\[2J\\\\'],
      ['$x$ ~~gone~~', '\\$x\\$ \\~\\~gone\\~\\~'],
    ];
    for (const [value, expected] of cases) expect(markdownText(value), JSON.stringify(value)).toBe(expected);
  });
});
