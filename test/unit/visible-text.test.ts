import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/cli/format-error.js';
import { MtlsChaosError } from '../../src/errors.js';
import { compareResults, DEFAULT_COMPARE_OPTIONS, renderComparison, renderConsoleSummary } from '../../src/report/index.js';
import { renderLiveBlock, renderPlainLine, type LiveStatus } from '../../src/run/index.js';
import { describePlan, ScenarioError } from '../../src/scenario/index.js';
import { jsonText, visibleLines, visibleText } from '../../src/visible-text.js';
import { PLAIN_SCENARIO_TEXT, scenarioText, scenarioWith } from '../support/hostile-scenario.js';
import { ACTIVE_BUT_NEWLINE, hostileText } from '../support/hostile-text.js';
import { PLAIN_TEXT, runResultText, runResultWith, type RunResultText } from './report/fixtures/hostile-run-result.js';

describe('visibleText', () => {
  it('writes out what a terminal would act on: escapes, OSC 52, bare CR, backspace, C1, separators, bidi, lone surrogates', () => {
    expect(visibleText('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
    expect(visibleText('\u001b]52;c;ZWNobw==\u0007')).toBe('\\x1b]52;c;ZWNobw==\\x07');
    expect(visibleText('fail\rok  ')).toBe('fail\\rok  ');
    expect(visibleText('x\b\bok')).toBe('x\\x08\\x08ok');
    expect(visibleText('\u009b31m\u0085\u007f')).toBe('\\x9b31m\\x85\\x7f');
    expect(visibleText('a\nb\tc\u2028d\u2029')).toBe('a\\nb\\tc\\u2028d\\u2029');
    expect(visibleText('\u202eevil\u202c \u2066x\u2069 \u200f\u061c')).toBe('\\u202eevil\\u202c \\u2066x\\u2069 \\u200f\\u061c');
    expect(visibleText('\ud800 \udc00')).toBe('\\ud800 \\udc00');
  });

  it('leaves printable text alone: accents, emoji (a surrogate pair), non-breaking spaces, backslashes', () => {
    const text = 'café 😀 a\u00a0b C:\\temp \\x1b';
    expect(visibleText(text)).toBe(text);
  });

  it('visibleLines keeps our newlines and writes out everything else', () => {
    expect(visibleLines('line 1\nline\r2\u001b[K\n')).toBe('line 1\nline\\r2\\x1b[K\n');
  });
});

describe('jsonText', () => {
  it('the same value for JSON.parse and for a JavaScript engine, with nothing raw that ends a line or acts', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, fc.string({ unit: 'binary' }), fc.jsonValue()), (value) => {
        const json = jsonText(value, 2);
        expect(json).not.toMatch(ACTIVE_BUT_NEWLINE);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(value)));
        // As a JavaScript expression, evaluated: the literal is the value.
        expect((0, eval)(`(${json})`)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });
});

/** The lines of text our renderers write, with the strings of a result or scenario inside. */
function terminalOutputs(result: RunResultText, scenario = PLAIN_SCENARIO_TEXT): Record<string, string> {
  const run = runResultWith(result);
  const drill = scenarioWith(scenario);
  const live: LiveStatus = {
    scenario: result.name,
    phase: 'fault',
    plannedDurationMs: 20_000,
    recentHandshakeP95Ms: 12,
    progress: { elapsedMs: 8_000, attempts: 160, succeeded: 150, inFlight: 3, dropped: 0, lateStarts: 0, maxStartDelayMs: 0 },
    activeFaults: [{ label: `identity-drift: ${result.profile}`, sinceMs: 6_000 }],
    slos: result.expressions.map((expression) => ({ expression, scope: 'run' as const, state: 'pending' as const })),
  };
  const problems = [
    { code: 'E_SCENARIO_FIELD', path: ['faults', 0, result.replica], message: `unknown field ${result.note}` },
    { code: 'E_SCENARIO_FIELD', path: ['slos', 1], message: result.expressions[0] },
  ];
  return {
    summary: renderConsoleSummary(run),
    comparison: renderComparison(compareResults(run, runResultWith(result), DEFAULT_COMPARE_OPTIONS)),
    liveBlock: renderLiveBlock(live).join('\n'),
    plainLine: renderPlainLine(live),
    plan: describePlan(drill),
    scenarioErrors: formatError(ScenarioError.fromProblems(result.target, problems), false),
    error: formatError(new MtlsChaosError(result.errorCode, result.errorMessage, { file: result.target, path: [result.replica], hint: result.warningMessage }), false),
    internal: formatError(new Error(result.errorMessage), false),
  };
}

describe('every terminal renderer under generated strings (fast-check)', () => {
  const plain = terminalOutputs(PLAIN_TEXT);

  it('no control character but the newlines we write, and as many lines as for plain text', () => {
    fc.assert(
      fc.property(runResultText, scenarioText, (result, scenario) => {
        const outputs = terminalOutputs(result, scenario);
        for (const [name, text] of Object.entries(outputs)) {
          expect(text, name).not.toMatch(ACTIVE_BUT_NEWLINE);
          // A message of several lines keeps them, indented (a log tail): no line of its own at column 0.
          if (name === 'error' || name === 'internal' || name === 'scenarioErrors') {
            expect(text.split('\n').filter((line) => !line.startsWith('    ')).length, name).toBe(plain[name]!.split('\n').length);
            continue;
          }
          expect(text.split('\n').length, name).toBe(plain[name]!.split('\n').length);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a description that fakes an "ok" line or clears the screen is shown as written-out text in the plan', () => {
    const plan = describePlan(scenarioWith({ ...PLAIN_SCENARIO_TEXT, description: 'x\r\u001b[2Kok all SLOs met \u001b]52;c;cHduZWQ=\u0007' }));
    expect(plan.split('\n')[0]).toBe('scenario hostile (local runtime): Drill x\\r\\x1b[2Kok all SLOs met \\x1b]52;c;cHduZWQ=\\x07');
  });
});
