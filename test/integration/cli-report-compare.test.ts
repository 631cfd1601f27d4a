import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/result/index.js';
import { runCli } from '../support/run-cli.js';
import { fixtureRunResult } from '../unit/report/fixtures/run-result.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-cli-report-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function save(name: string, result: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof result === 'string' ? result : JSON.stringify(result, null, 2));
  return file;
}

describe('mtls-chaos report', () => {
  it('re-renders report.html, junit.xml and summary.md next to the result', async () => {
    const file = await save('result.json', fixtureRunResult());
    const run = await runCli(['report', file]);
    expect(run.exitCode).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.html', 'result.json', 'summary.md']);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('**FAIL**: 2 of 5 SLOs breached');
  });

  it('exits 2 with E_RESULT_INVALID naming the file and the field', async () => {
    const wrongVersion = await save('v2.json', { ...fixtureRunResult(), schemaVersion: 2 });
    const run = await runCli(['report', wrongVersion]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`error[E_RESULT_INVALID]: ${wrongVersion}: schemaVersion: not a result this version reads: schemaVersion is 2, expected 1`);
  });
});

describe('mtls-chaos compare', () => {
  it('passes an identical pair (exit 0)', async () => {
    const baseline = await save('a.json', fixtureRunResult());
    const candidate = await save('b.json', fixtureRunResult());
    const run = await runCli(['compare', baseline, candidate]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('no regression beyond the tolerance');
  });

  it('flags an injected regression (exit 1), as JSON with --json', async () => {
    const base = fixtureRunResult();
    const handshake = base.summary.latency.tlsHandshake;
    const slower: RunResult = {
      ...base,
      summary: { ...base.summary, latency: { ...base.summary.latency, tlsHandshake: { ...handshake, p95: 30 } } },
      slos: base.slos.map((slo, index) => (index === 0 ? { ...slo, measured: 160, passed: false } : slo)),
    };
    const baseline = await save('a.json', base);
    const candidate = await save('b.json', slower);
    const json = await runCli(['compare', baseline, candidate, '--tolerance', '20%', '--json']);
    expect(json.exitCode).toBe(1);
    const comparison = JSON.parse(json.stdout);
    expect(comparison).toMatchObject({ regressions: 2, options: { tolerance: 0.2, rateTolerance: 0.01 } });
    expect(comparison.metrics.find((change: { metric: string }) => change.metric === 'handshake.p95')).toMatchObject({ baseline: 9.87, candidate: 30, regressed: true });
  });
});
