import { readFile } from 'node:fs/promises';
import { ScenarioError } from './scenario-error.js';

const SYNTAX_HINT = 'fix the code at that line and column; `mtls-chaos validate <file>` checks it again';

interface SyntaxMessage {
  readonly line: number;
  /** 1-based, as editors and compilers count (esbuild counts from 0). */
  readonly column: number;
  readonly text: string;
}

/**
 * The syntax error of a scenario module, at file:line:column with the compiler's own words, or
 * undefined when `error` is not a syntax error. Without this a person saw only "Transform failed
 * with 1 error:", the first line of esbuild's message.
 */
export async function moduleSyntaxError(error: unknown, file: string): Promise<ScenarioError | undefined> {
  const messages = isTransformError(error) ? parseTransformError(error.message) : error instanceof SyntaxError ? await locateWithEsbuild(file) : [];
  const [first] = messages;
  if (!first) return undefined;
  const more = messages.length > 1 ? ` (and ${messages.length - 1} more error${messages.length > 2 ? 's' : ''} after it)` : '';
  // tsx compiles a .ts file outside a "type": "module" package to CommonJS, which has no top-level await.
  const hint = /"cjs" output format/.test(first.text) ? 'a .ts file outside a "type": "module" package is compiled to CommonJS; name it .mts to use top-level await' : SYNTAX_HINT;
  return new ScenarioError('E_SCENARIO_SYNTAX', `${first.text}${more}`, { file: `${file}:${first.line}:${first.column}`, cause: error, hint });
}

/** tsx compiles .ts/.mts with esbuild and re-throws its failure as a TransformError. */
function isTransformError(error: unknown): error is Error {
  return error instanceof Error && (error.name === 'TransformError' || error.message.startsWith('Transform failed with'));
}

/**
 * tsx deletes esbuild's structured `errors` (node_modules/tsx/dist: `delete s.errors`), so the
 * message is all there is; esbuild writes one `<file>:<line>:<column>: ERROR: <text>` line per
 * error (failureErrorWithLog in node_modules/esbuild/lib/main.js). Its file name is tsx's
 * (bad.mts becomes bad.ts), so only line and column are taken from it.
 */
function parseTransformError(message: string): SyntaxMessage[] {
  const messages: SyntaxMessage[] = [];
  for (const line of message.split('\n')) {
    const located = /:(\d+):(\d+): ERROR: (.*)$/.exec(line);
    if (located) messages.push({ line: Number(located[1]), column: Number(located[2]) + 1, text: located[3] ?? '' });
  }
  return messages;
}

/** Node's own SyntaxError for a JavaScript module has no line or column; esbuild finds them. */
async function locateWithEsbuild(file: string): Promise<SyntaxMessage[]> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const { transform } = await import('esbuild');
  try {
    // No output format: parse only, so a top-level await or `require` is no error of ours.
    await transform(source, { loader: 'js', sourcefile: file, logLevel: 'silent' });
    return [];
  } catch (error) {
    const errors = (error as { errors?: { text: string; location: { line: number; column: number } | null }[] }).errors ?? [];
    return errors.flatMap((message) => (message.location ? [{ line: message.location.line, column: message.location.column + 1, text: message.text }] : []));
  }
}
