import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { k6ScriptOf } from '../../../src/k6/index.js';
import { PLAIN_SCENARIO_TEXT as PLAIN, scenarioText, scenarioWith } from '../../support/hostile-scenario.js';
import { ACTIVE_BUT_NEWLINE } from '../../support/hostile-text.js';

/**
 * The exported k6 script runs inside k6 next to the client key. Whatever text a scenario holds
 * (description, SLOs as written, the HTTP path, a fault's SAN), the script must parse to exactly
 * the statements we generate, with the same comments, and the scenario's text must come back
 * unchanged from the string literals it was written into. Parsed with the TypeScript compiler.
 */

interface ParsedScript {
  readonly statements: string[];
  readonly comments: string[];
  readonly drill: ts.ObjectLiteralExpression;
  readonly source: ts.SourceFile;
}

function parseScript(script: string): ParsedScript {
  const { diagnostics } = ts.transpileModule(script, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020 } });
  expect(diagnostics?.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')) ?? []).toEqual([]);
  const source = ts.createSourceFile('script.ts', script, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
  const statements = source.statements.map((statement) => {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword) ? 'export ' : '';
    const names = ts.isVariableStatement(statement) ? ` ${statement.declarationList.declarations.map((declaration) => declaration.name.getText(source)).join(',')}` : '';
    return `${exported}${statementKind(statement)}${names}`;
  });
  const comments: string[] = [];
  const scanner = ts.createScanner(ts.ScriptTarget.ES2020, false, ts.LanguageVariant.Standard, script);
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.SingleLineCommentTrivia || token === ts.SyntaxKind.MultiLineCommentTrivia) comments.push(scanner.getTokenText());
  }
  const drillStatement = source.statements.find((statement) => ts.isVariableStatement(statement) && statement.declarationList.declarations[0]?.name.getText(source) === 'DRILL') as ts.VariableStatement;
  const initializer = drillStatement.declarationList.declarations[0]!.initializer!;
  const drill = (ts.isAsExpression(initializer) ? initializer.expression : initializer) as ts.ObjectLiteralExpression;
  expect(ts.isObjectLiteralExpression(drill)).toBe(true);
  return { statements, comments, drill, source };
}

/** ts.SyntaxKind[kind] names aliases (VariableStatement is FirstStatement): our own names. */
function statementKind(statement: ts.Statement): string {
  if (ts.isImportDeclaration(statement)) return 'import';
  if (ts.isVariableStatement(statement)) return statement.declarationList.flags & ts.NodeFlags.Const ? 'const' : 'var/let';
  if (ts.isIfStatement(statement)) return 'if';
  if (ts.isFunctionDeclaration(statement)) return 'function';
  if (ts.isExpressionStatement(statement)) return 'expression';
  return `other(${statement.kind})`;
}

/** The value of a property of an object literal made of literals (what JSON gives). */
function literalValue(node: ts.Expression): unknown {
  if (ts.isStringLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isArrayLiteralExpression(node)) return node.elements.map(literalValue);
  if (ts.isObjectLiteralExpression(node)) {
    return Object.fromEntries(node.properties.map((property) => {
      if (!ts.isPropertyAssignment(property) || !ts.isStringLiteral(property.name)) throw new Error(`not a JSON property: ${property.getText()}`);
      return [property.name.text, literalValue(property.initializer)];
    }));
  }
  throw new Error(`not a literal: ${ts.SyntaxKind[node.kind]}`);
}

describe('the exported k6 script under generated scenario text (fast-check)', () => {
  const plain = parseScript(k6ScriptOf(scenarioWith(PLAIN), { toolVersion: '0.0.0-test' }).script);

  it('a plain drill parses to the statements we write', () => {
    expect(plain.statements).toEqual([
      'import',
      'import',
      'import',
      'const DRILL',
      'const TARGET',
      'if',
      'const URL_TO_GET',
      'const HOST',
      'const TLS_DIR',
      'export const options',
      'export function',
    ]);
  });

  it('whatever the text: the same statements and comments, the text back unchanged from its literals, nothing raw that acts', () => {
    fc.assert(
      fc.property(scenarioText, (text) => {
        const scenario = scenarioWith(text);
        const { script } = k6ScriptOf(scenario, { toolVersion: '0.0.0-test' });
        const parsed = parseScript(script);
        expect(parsed.statements).toEqual(plain.statements);
        // Comments are our fixed text: none holds, or is ended by, anything from the scenario.
        expect(parsed.comments).toEqual(plain.comments);
        // No raw U+2028/U+2029, CR, C1 or bidi control anywhere in the file: escapes only.
        expect(script).not.toMatch(ACTIVE_BUT_NEWLINE);

        const drill = literalValue(parsed.drill) as { name: string; description: string; plan: string[]; slos: { expression: string; scope: string }[] };
        expect(drill.name).toBe(scenario.name);
        expect(drill.description).toBe(scenario.description);
        expect(drill.slos.map((slo) => [slo.expression, slo.scope])).toEqual(scenario.slos.map((slo) => [slo.expression, slo.scope]));
        // The plan is shown to people as `mtls-chaos plan` prints it: written-out controls, one line each.
        for (const line of drill.plan) expect(line).not.toMatch(/[\n\r\u2028\u2029\u001b]/);

        const urlStatement = parsed.source.statements[6] as ts.VariableStatement;
        const url = urlStatement.declarationList.declarations[0]!.initializer as ts.BinaryExpression;
        expect(ts.isStringLiteral(url.right) && url.right.text).toBe(scenario.load.path);
      }),
      { numRuns: 150 },
    );
  });

  it('a description that ends a line comment the old way (U+2028, a bare CR) stays inside its string', () => {
    for (const terminator of ['\u2028', '\u2029', '\r']) {
      const scenario = scenarioWith({ ...PLAIN, description: `looks harmless${terminator}globalThis.stolen = open("./tls/client-1.key"); //` });
      const parsed = parseScript(k6ScriptOf(scenario, { toolVersion: '0.0.0-test' }).script);
      expect(parsed.statements).toEqual(plain.statements);
      expect((literalValue(parsed.drill) as { description: string }).description).toBe(scenario.description);
    }
  });
});
