import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { REPO_ROOT, runCli } from '../support/run-cli.js';

// The CLI on a drill that names its own alert rules (observe.prometheus): what a user sees when the
// rules or the runtime cannot work, before anything starts.

const RULES = `groups:
  - name: team
    rules:
      - alert: TeamMtlsFailing
        expr: sum(rate(mtls_chaos_attempts_total{category!="ok"}[30s])) > 1
`;

async function drill(rules: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-observe-cli-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'alerts.yml'), rules);
  const file = join(dir, 'drill.yaml');
  await writeFile(file, [
    'name: team-alerts',
    'description: The gateway pauses for 2s; the team alert must page within 2 minutes.',
    'lab: { gateway: { kind: node } }',
    'load: { rate: 10/s, duration: 5s }',
    'faults: [{ at: 1s, for: 2s, kind: gateway-pause }]',
    'slos: ["alert.TeamMtlsFailing.detect < 2m"]',
    'observe: { prometheus: { rules: ./alerts.yml } }',
    '',
  ].join('\n'));
  return { dir, file };
}

describe('observe.prometheus through the CLI', () => {
  it('validate accepts the drill and names the Prometheus in the plan', async () => {
    const { file } = await drill(RULES);
    const result = await runCli(['validate', '--plan', file]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('observe  a Prometheus scraping the run every second with your rules alerts.yml');
  });

  it('validates the example drills: the shipped rules, and a team rules file too loose to fire', async () => {
    const result = await runCli(['validate', 'scenarios/examples/alerts-detect-ocsp-outage.yaml', 'scenarios/examples/alerts-too-loose-ocsp-outage.yaml'], { cwd: REPO_ROOT });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('validate exits 2 quoting promtool when the rules do not parse', async () => {
    const { file } = await drill(RULES.replace('> 1', '> > 1'));
    const result = await runCli(['validate', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error\[E_SCENARIO_RULES\]: .*drill\.yaml: observe\.prometheus\.rules: promtool check rules refused \.\/alerts\.yml: .*"TeamMtlsFailing": could not parse expression/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('run --runtime docker exits 2 before anything starts: local runtime only for now', async () => {
    const { dir, file } = await drill(RULES);
    const out = join(dir, 'reports');
    const result = await runCli(['run', file, '--runtime', 'docker', '--out', out]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/error\[E_SCENARIO_RUNTIME\]: .*observe\.prometheus: observe\.prometheus runs on the local runtime only for now/);
    await expect(readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
