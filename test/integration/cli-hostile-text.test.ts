import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ACTIVE_BUT_NEWLINE } from '../support/hostile-text.js';
import { runCli } from '../support/run-cli.js';
import { runResultWith, PLAIN_TEXT } from '../unit/report/fixtures/hostile-run-result.js';

/**
 * The real CLI, given a scenario or a result whose text drives terminals: clear the screen,
 * write the clipboard (OSC 52), rewrite the line into a fake "ok" (bare CR), reorder what is
 * read (bidi override), break a line where JavaScript would (U+2028). What reaches stdout and
 * stderr holds none of it raw: only the newlines the CLI writes itself.
 */
const CLEAR = '\u001b[2J\u001b[H';
const CLIPBOARD = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const FAKE_OK = '\rok scenarios/baseline.ts: baseline';
const HOSTILE = `Looks fine.${CLEAR}${CLIPBOARD}${FAKE_OK}\u202e\u2028 \u009b31m`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-hostile-text-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function expectInert(output: string): void {
  expect(output).not.toMatch(ACTIVE_BUT_NEWLINE);
}

describe('scenario text on the terminal', () => {
  it('validate --plan and list show the description and SLOs written out, one line each', async () => {
    const file = join(dir, 'hostile.yaml');
    await writeFile(
      file,
      stringify({
        name: 'hostile',
        description: `${HOSTILE}\nSecond line.`,
        lab: { gateway: { kind: 'node' } },
        load: { rate: '10/s', duration: '5s' },
        slos: ['success.rate\u2028>=\r99%'],
      }),
    );
    const validate = await runCli(['validate', '--plan', file]);
    expect(validate.stderr).toBe('');
    expect(validate.exitCode).toBe(0);
    expectInert(validate.stdout);
    const lines = validate.stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('ok '))).toHaveLength(1);
    expect(lines).toContain('  scenario hostile (local runtime): Looks fine.\\x1b[2J\\x1b[H\\x1b]52;c;cm0gLXJmIH4=\\x07\\rok scenarios/baseline.ts: baseline\\u202e\\u2028 \\x9b31m');
    expect(lines).toContain('  slos     success.rate\\u2028>=\\r99% (whole run)');

    const list = await runCli(['list', '--dir', dir]);
    expect(list.exitCode).toBe(0);
    expectInert(list.stdout);
    expect(list.stdout.trimEnd().split('\n')).toHaveLength(1);
  }, 60_000);

  it('an invalid scenario: the error names the hostile key and value written out, exit 2, no raw control', async () => {
    const file = join(dir, `bad${CLEAR}.yaml`);
    await writeFile(file, stringify({ name: 'bad', description: 'x', lab: { gateway: { kind: 'node' } }, load: { rate: `${FAKE_OK}`, duration: '5s' }, [`typo${CLIPBOARD}`]: 1 }));
    const result = await runCli(['validate', file]);
    expect(result.exitCode).toBe(2);
    expectInert(result.stderr);
    expect(result.stderr).toContain('typo\\x1b]52;c;cm0gLXJmIH4=\\x07');
    for (const line of result.stderr.trimEnd().split('\n')) expect(line).toMatch(/^(error\[E_[A-Z_]+\]: |  hint: |    )/);
  }, 60_000);

  it("commander's own error for an unknown flag quotes it written out, exit 2", async () => {
    const result = await runCli(['validate', `--bogus${CLEAR}`]);
    expect(result.exitCode).toBe(2);
    expectInert(result.stderr);
    expect(result.stderr).toContain("unknown option '--bogus\\x1b");
  }, 60_000);
});

describe('result text on the terminal and in summary.md', () => {
  it('report and compare of a result.json with hostile strings: nothing raw printed, summary.md without HTML', async () => {
    const hostile = runResultWith({ ...PLAIN_TEXT, name: HOSTILE, description: `<img src=x onerror=alert(1)>\n# ${HOSTILE}`, expressions: [HOSTILE, '</script>', '`x`|y', 'a\nb', '*c*'], errorMessage: HOSTILE, warningMessage: HOSTILE });
    const file = join(dir, 'result.json');
    await writeFile(file, JSON.stringify(hostile));
    const report = await runCli(['report', file]);
    expect(report.exitCode).toBe(0);
    expectInert(report.stdout + report.stderr);
    const summary = await readFile(join(dir, 'summary.md'), 'utf8');
    expectInert(summary);
    expect(summary).not.toMatch(/<[a-z!/]/i);

    const compare = await runCli(['compare', file, file]);
    expect(compare.exitCode).toBe(0);
    expectInert(compare.stdout + compare.stderr);
    const json = await runCli(['compare', '--json', file, file]);
    expectInert(json.stdout);
    expect(JSON.parse(json.stdout).baseline.scenario).toBe(HOSTILE);
  }, 60_000);
});
