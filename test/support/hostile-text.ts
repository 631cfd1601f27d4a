import fc from 'fast-check';

/**
 * Pieces of text that end, open or rewrite something in what we generate: line terminators
 * JavaScript honours (CR, U+2028, U+2029) and ones it does not, comment and string delimiters,
 * a closing script tag, HTML and Markdown syntax, terminal escapes (CSI clear screen, OSC 52
 * clipboard write, a one-byte C1 CSI, backspace, bare CR), bidi overrides, a lone surrogate.
 */
export const HOSTILE_FRAGMENTS = [
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u2029',
  '\u0085',
  '*/',
  '/*',
  '//',
  '"',
  "'",
  '`',
  '${process.exit(1)}',
  '\\',
  '\\u2028',
  '</script>',
  '<!--',
  '<img src=x onerror=alert(1)>',
  '&amp;',
  '|',
  '# heading',
  '- item',
  '1. item',
  '> quote',
  '[link](https://example.org)',
  '**bold** _em_',
  '$x$',
  '~~~',
  '\u001b[2J',
  '\u001b]52;c;ZWNobyBwd25lZA==\u0007',
  '\u009b31m',
  '\b\b\bok ',
  '\rok     all SLOs met',
  '\u0000',
  '\u007f',
  '\u202e',
  '\u2066',
  '\u200f',
  '\ud800',
  '\t',
  '\f\v',
  ';globalThis.pwned = open("/etc/passwd");',
] as const;

/** Text mixing the fragments with random strings, code points included; never empty. */
export const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_FRAGMENTS), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 10 })
  .map((parts) => parts.join(''))
  .filter((text) => text.length > 0);

/**
 * What no output may hold outside the newlines we put there, written independently of
 * src/visible-text.ts so that a gap in its definition fails the tests: C0 but \n, DEL, C1,
 * U+2028/U+2029, bidi controls, lone surrogates.
 */
export const ACTIVE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
