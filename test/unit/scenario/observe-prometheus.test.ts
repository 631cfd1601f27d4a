import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkAlertRules } from '../../../src/scenario/alert-rules-check.js';
import { BUILTIN_RULES_FILE, describePlan, loadScenario, validateScenario } from '../../../src/scenario/index.js';
import { tempDir, validationError, validInput } from './scenario-fixtures.js';

const withFault = { faults: [{ at: '1s', for: '2s', kind: 'gateway-pause' }] };
const RULES = `groups:
  - name: team
    rules:
      - alert: TeamMtlsFailing
        expr: sum(rate(mtls_chaos_attempts_total{category!="ok"}[30s])) > 1
        for: 5s
`;

/** Writes the scenario (YAML) and its files into a temp folder and loads it as the CLI would. */
async function load(scenario: Record<string, unknown>, files: Record<string, string> = {}, options: { promtool?: string | null } = {}) {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const file = join(dir, 'drill.yaml');
  await writeFile(file, stringify(scenario));
  return { load: () => loadScenario(file), checkWith: () => checkAlertRules(validateScenario(scenario, file), options) };
}

describe('observe.prometheus: validation', () => {
  it('resolves the rules against the scenario folder, and builtin to the shipped rules', () => {
    const own = validateScenario({ ...validInput(), observe: { prometheus: { rules: './alerts.yml' } } }, '/drills/team/drill.yaml');
    expect(own.observe).toEqual({ prometheus: { rules: '/drills/team/alerts.yml' } });
    const builtin = validateScenario({ ...validInput(), observe: { prometheus: { rules: 'builtin' } } }, '/drills/drill.yaml');
    expect(builtin.observe?.prometheus.rules).toBe(BUILTIN_RULES_FILE);
    expect(BUILTIN_RULES_FILE).toMatch(/contrib\/prometheus\/mtls-chaos\.rules\.yml$/);
  });

  it('says in the plan that a Prometheus watches the run, and with which rules', () => {
    const own = validateScenario({ ...validInput(), observe: { prometheus: { rules: './team-alerts.yml' } } }, '/drills/drill.yaml');
    expect(describePlan(own).split('\n').at(-1)).toBe('observe  a Prometheus scraping the run every second with your rules team-alerts.yml');
    const builtin = validateScenario({ ...validInput(), observe: { prometheus: { rules: 'builtin' } } }, '/drills/drill.yaml');
    expect(describePlan(builtin)).toContain('with the builtin rules (contrib/prometheus/mtls-chaos.rules.yml)');
  });

  it('refuses a rules path outside the scenario folder, an unknown field, and the docker runtime', () => {
    expect(validationError({ ...validInput(), observe: { prometheus: { rules: '../alerts.yml' } } })).toMatchObject({ code: 'E_SCENARIO_FIELD', path: ['observe', 'prometheus', 'rules'] });
    expect(validationError({ ...validInput(), observe: { prometheus: { rule: './a.yml' } } }).problems.map((p) => p.path.join('.'))).toContain('observe.prometheus.rule');
    const docker = validationError({ ...validInput(), runtime: 'docker', observe: { prometheus: { rules: 'builtin' } } });
    expect(docker).toMatchObject({ code: 'E_SCENARIO_RUNTIME', path: ['observe', 'prometheus'], message: expect.stringMatching(/local runtime only for now/) });
  });

  it('refuses alert SLOs without observe.prometheus, with the field to add', () => {
    const error = validationError({ ...validInput(), ...withFault, slos: ['success.rate >= 99%', 'alert.TeamMtlsFailing.detect < 2m'] });
    expect(error).toMatchObject({ code: 'E_SCENARIO_OBSERVE', path: ['slos', 1], message: expect.stringMatching(/add observe: \{ prometheus: \{ rules: \.\/alerts\.yml \} \}/) });
  });
});

describe('observe.prometheus.rules: checked when the scenario is loaded', () => {
  const scenario = (rules: string, slos: string[] = ['alert.TeamMtlsFailing.detect < 2m']) => ({ ...validInput(), ...withFault, slos, observe: { prometheus: { rules } } });

  it('loads a rules file promtool accepts, and the builtin rules', async () => {
    await expect((await load(scenario('./alerts.yml'), { 'alerts.yml': RULES })).load()).resolves.toMatchObject({ observe: { prometheus: { rules: expect.stringMatching(/alerts\.yml$/) } } });
    await expect((await load(scenario('builtin', ['alert.MtlsHandshakeFailureBurnRate.detect < 2m']))).load()).resolves.toBeDefined();
  });

  it('refuses a missing file, naming it', async () => {
    await expect((await load(scenario('./alerts.yml'))).load()).rejects.toMatchObject({ code: 'E_SCENARIO_RULES', path: ['observe', 'prometheus', 'rules'], message: expect.stringMatching(/^\.\/alerts\.yml: /) });
  });

  it('quotes promtool when it refuses the file', async () => {
    const broken = RULES.replace('> 1', '> > 1');
    const error = await (await load(scenario('./alerts.yml'), { 'alerts.yml': broken })).load().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_SCENARIO_RULES', message: expect.stringMatching(/^promtool check rules refused \.\/alerts\.yml: .*TeamMtlsFailing.*parse error/) });
  });

  it('without promtool, still requires YAML with a groups list', async () => {
    const drill = await load(scenario('./alerts.yml'), { 'alerts.yml': 'rules: []\n' }, { promtool: null });
    await expect(drill.checkWith()).rejects.toMatchObject({ code: 'E_SCENARIO_RULES', message: expect.stringMatching(/expected a Prometheus rules file with a "groups" list/) });
  });

  it('refuses an SLO naming an alert the file does not define, suggesting the case-sensitive name', async () => {
    const drill = await load(scenario('./alerts.yml', ['alert.teamMtlsFailing.detect < 2m']), { 'alerts.yml': RULES });
    await expect(drill.load()).rejects.toMatchObject({
      code: 'E_SCENARIO_RULES',
      path: ['slos', 0],
      message: 'names alert teamMtlsFailing, which ./alerts.yml does not define (did you mean TeamMtlsFailing? alert names are case-sensitive)',
    });
  });
});
