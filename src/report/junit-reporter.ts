import { join } from 'node:path';
import type { RunResult, SloVerdict } from '../result/run-result.js';
import { formatSloValue } from '../slo/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { formatOffset } from './format.js';
import type { Reporter } from './reporter.js';
import { showCharacter, visibleLines } from '../visible-text.js';

export const JUNIT_FILE_NAME = 'junit.xml';

/**
 * junit.xml: one testcase per SLO, so a CI system's test view lists each SLO and a red build
 * says which one broke and by how much (target and measured value in the failure message).
 * A run that did not complete gets one more testcase, in error, saying why.
 */
export class JunitReporter implements Reporter {
  readonly name = 'junit';

  async write(result: RunResult, dir: string): Promise<string> {
    const path = join(dir, JUNIT_FILE_NAME);
    await writeFileAtomic(path, renderJunit(result));
    return path;
  }
}

export function renderJunit(result: RunResult): string {
  const seconds = (result.load.actualDurationMs / 1_000).toFixed(3);
  const suite = `mtls-chaos.${result.scenario.name}`;
  const cases = result.slos.map((slo) => sloTestcase(suite, slo));
  const failures = result.slos.filter((slo) => !slo.passed).length;
  let errors = 0;
  if (result.status !== 'completed') {
    errors = 1;
    const why = result.error ? `${result.error.code}: ${result.error.message}` : notCompleted(result);
    cases.push(
      `    <testcase name="run completed" classname="${attr(suite)}" time="${seconds}">\n` +
        `      <error message="${attr(why)}" type="RUN_${result.status.toUpperCase()}">${text(why)}</error>\n` +
        '    </testcase>',
    );
  }
  const tests = cases.length;
  const properties = [
    ['scenario', result.scenario.name],
    ['status', result.status],
    ['verdict', result.verdict],
    ['attempts', String(result.summary.attempts)],
    ['successRate', String(result.summary.successRate)],
    ['target', result.load.target],
  ]
    .map(([name, value]) => `      <property name="${attr(name!)}" value="${attr(value!)}"/>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mtls-chaos" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds}">`,
    `  <testsuite name="${attr(suite)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" timestamp="${attr(result.startedAt)}" time="${seconds}">`,
    '    <properties>',
    properties,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Why the run-completed testcase errs; an aborted run's SLO testcases judged only what it measured. */
function notCompleted(result: RunResult): string {
  if (result.status === 'aborted') {
    return `the run was aborted after ${formatOffset(result.load.actualDurationMs)}: the SLO testcases judge only what it measured until then`;
  }
  return `the run was ${result.status}`;
}

function sloTestcase(suite: string, slo: SloVerdict): string {
  const name = `${slo.expression} (${slo.scope === 'run' ? 'whole run' : `${slo.scope} phase`})`;
  const open = `    <testcase name="${attr(name)}" classname="${attr(`${suite}.${slo.scope}`)}" time="0">`;
  if (slo.passed) return `${open}</testcase>`;
  const message = failureMessage(slo);
  return `${open}\n      <failure message="${attr(message)}" type="SLO_BREACHED">${text(message)}</failure>\n    </testcase>`;
}

/** "target success.rate >= 99.9%, measured 70%" (or "measured: no data, <why>"). */
export function failureMessage(slo: SloVerdict): string {
  const target = `target ${slo.metric} ${slo.operator} ${formatSloValue(slo.threshold, slo.unit)}`;
  const measured = slo.measured === undefined ? `measured: no data${slo.note ? ` (${slo.note})` : ''}` : `measured ${formatSloValue(slo.measured, slo.unit, slo.resolutionMs)}`;
  return `${target}, ${measured}`;
}

/**
 * XML 1.0 forbids most C0 controls even as character references, and U+FFFE/U+FFFF and lone
 * surrogates; a CI server's parser rejects the whole file for one of them. Rather than dropping
 * them (a name that silently changes), every active character but the newline is written out as
 * visible-text.ts does for terminals (\x01, \u2028), and the two non-characters likewise.
 */
const NON_CHARACTERS = /[\uFFFE\uFFFF]/g;

function text(value: string): string {
  return visibleLines(value).replace(NON_CHARACTERS, showCharacter).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;');
}
