import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { promtool, RULE_TESTS_DIR, RULES_PATH } from '../support/prometheus.js';

interface AlertTestCase {
  alertname: string;
  exp_alerts?: unknown[];
}
interface RuleTestFile {
  tests: { name: string; alert_rule_test?: AlertTestCase[] }[];
}

async function ruleTestFiles(): Promise<string[]> {
  return (await readdir(RULE_TESTS_DIR)).filter((name) => name.endsWith('.test.yml')).sort().map((name) => join(RULE_TESTS_DIR, name));
}

async function alertNames(): Promise<string[]> {
  const rules = parse(await readFile(RULES_PATH, 'utf8')) as { groups: { rules: { alert?: string }[] }[] };
  return rules.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert === undefined ? [] : [rule.alert])));
}

describe('contrib/prometheus rules (Debian promtool)', () => {
  it('promtool check rules accepts the shipped file', async () => {
    const result = await promtool(['check', 'rules', RULES_PATH]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('promtool test rules passes every unit test file', async () => {
    const files = await ruleTestFiles();
    expect(files.map((file) => basename(file))).toEqual(['attempts.test.yml', 'certificates.test.yml', 'gateway-cpu.test.yml', 'ocsp.test.yml']);
    const result = await promtool(['test', 'rules', ...files]);
    expect(result.stdout + result.stderr, 'promtool test rules output').not.toContain('FAILED');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.match(/SUCCESS/g)).toHaveLength(files.length);
  });

  // A test file that only ever expects silence would pass against an alert that never fires.
  it('each alert is tested both firing and silent', async () => {
    const cases: AlertTestCase[] = [];
    for (const file of await ruleTestFiles()) {
      const tests = (parse(await readFile(file, 'utf8')) as RuleTestFile).tests;
      cases.push(...tests.flatMap((test) => test.alert_rule_test ?? []));
    }
    const names = await alertNames();
    expect(names).toEqual(expect.arrayContaining([
      'MtlsHandshakeFailureBurnRate', 'MtlsClientCertificateFailures', 'MtlsOcspResponderFailing', 'MtlsGatewayCpuHigh',
      'MtlsCertificateExpiresIn30Days', 'MtlsCertificateExpiresIn14Days', 'MtlsCertificateExpiresIn7Days',
    ]));
    for (const name of names) {
      const mine = cases.filter((testCase) => testCase.alertname === name);
      expect(mine.some((testCase) => (testCase.exp_alerts ?? []).length > 0), `${name} has a firing case`).toBe(true);
      // The certificate bands are each other's silent cases: one certificate fires exactly one band.
      if (!name.startsWith('MtlsCertificateExpiresIn')) {
        expect(mine.some((testCase) => (testCase.exp_alerts ?? []).length === 0), `${name} has a silent case`).toBe(true);
      }
    }
  });

  // The unit tests can fail: with the burn factor at 1 instead of 3, a run failing 5% over a 2%
  // baseline pages, and the test says it should not.
  it('promtool test rules fails when the rules page below 3x the baseline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-rules-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await cp(RULE_TESTS_DIR, join(dir, 'tests'), { recursive: true });
    const rules = await readFile(RULES_PATH, 'utf8');
    expect(rules).toContain('expr: vector(3)');
    await writeFile(join(dir, 'mtls-chaos.rules.yml'), rules.replace('expr: vector(3)', 'expr: vector(1)'));
    const result = await promtool(['test', 'rules', join(dir, 'tests', 'attempts.test.yml')]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout + result.stderr).toContain('the threshold is 3x each run');
  });

  it('a missing promtool fails with the package to install', async () => {
    await expect(promtool(['--version'], { binary: '/nonexistent/promtool' })).rejects.toThrow('apt-get install prometheus');
  });
});
