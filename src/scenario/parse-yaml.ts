import { parseDocument, type YAMLError } from 'yaml';
import { ScenarioError, type ScenarioProblem } from './scenario-error.js';

/**
 * Expansion limit for aliases (`*name`): a "billion laughs" document of nested aliases expands
 * exponentially; the yaml package counts expanded alias nodes against this and stops.
 * A scenario reuses an anchor a few times at most.
 */
const MAX_ALIAS_COUNT = 50;

/**
 * Parses one YAML (or JSON: a subset of YAML 1.2) document from an untrusted file, strictly:
 * duplicate keys are errors (the last one would silently win), unknown tags such as
 * `!!js/function` are errors (no custom tags: data only), more than one document is an error.
 */
export function parseScenarioYaml(text: string, file: string): unknown {
  const document = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    customTags: [],
    merge: false,
    uniqueKeys: true,
    strict: true,
    prettyErrors: true,
    // A complex key (`? [a, b]`) would print a process warning on stringification; it still
    // ends as an unknown field, so stay quiet on stderr.
    logLevel: 'error',
  });
  // Warnings (an unresolved tag, a bad directive) would otherwise turn into silent strings.
  const problems = [...document.errors, ...document.warnings].map(toProblem);
  if (problems.length > 0) {
    throw ScenarioError.fromProblems(file, problems, 'fix the YAML syntax at the line and column shown');
  }
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new ScenarioError(
      'E_SCENARIO_SYNTAX',
      `the document expands too many aliases (more than ${MAX_ALIAS_COUNT} per node): refusing a possible "billion laughs" document`,
      { file, cause: error, hint: 'write the values out instead of nesting anchors and aliases' },
    );
  }
}

function toProblem(error: YAMLError): ScenarioProblem {
  // prettyErrors appends a source excerpt after the first line; the first line has the position.
  const headline = (error.message.split('\n')[0] ?? error.message).replace(/:$/, '');
  return { code: 'E_SCENARIO_SYNTAX', path: [], message: `${describeCode(error.code)}${headline}` };
}

function describeCode(code: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key: ';
  if (code === 'TAG_RESOLVE_FAILED') return 'custom YAML tags are not allowed: ';
  return '';
}
