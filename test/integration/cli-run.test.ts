import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/result/index.js';
import { processesMarked } from '../support/processes.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';

let workDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-run-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function onlyRunFolder(outDir: string): Promise<string> {
  const entries = await readdir(outDir);
  expect(entries).toHaveLength(1);
  return join(outDir, entries[0]!);
}

async function readResult(runDir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(runDir, 'result.json'), 'utf8')) as RunResult;
}

function yamlScenario(overrides: { name: string; slos: string[]; duration?: string; gateway?: string }): string {
  return [
    `name: ${overrides.name}`,
    'description: test drill',
    'lab:',
    `  gateway: { kind: ${overrides.gateway ?? 'node'} }`,
    'pki: { clients: 2 }',
    `load: { rate: 20/s, duration: ${overrides.duration ?? '2s'}, timeout: 2s }`,
    'slos:',
    ...overrides.slos.map((slo) => `  - "${slo}"`),
    '',
  ].join('\n');
}

describe('mtls-chaos run', () => {
  it('runs the baseline drill briefly, exits 0 and writes result.json and summary.md', async () => {
    const out = join(workDir, 'reports');
    const result = await runCli(['run', 'scenarios/baseline.ts', '--duration', '3s', '--out', out], { timeoutMs: 90_000 });
    expect(result.stderr).not.toContain('error[');
    const runDir = await onlyRunFolder(out);
    const saved = await readResult(runDir);
    expect(saved.schemaVersion).toBe(1);
    expect(saved.status).toBe('completed');
    expect(saved.summary.attempts).toBeGreaterThanOrEqual(100);
    expect(saved.summary.categories.ok).toBe(saved.summary.attempts);
    expect(saved.lab.components.map((component) => component.kind).sort()).toEqual(['gateway/node', 'ocsp/builtin']);
    expect(saved.slos.find((slo) => slo.metric === 'success.rate')?.passed).toBe(true);
    // The verdict and exit code follow the SLOs (handshake p95 can breach on a busy 2-core box).
    expect(result.exitCode).toBe(saved.verdict === 'pass' ? 0 : 1);
    expect(result.stdout).toContain('mtls-chaos baseline');
    const summary = await readFile(join(runDir, 'summary.md'), 'utf8');
    expect(summary).toContain('success.rate');
    // Reports never hold private keys.
    const everything = (await Promise.all((await readdir(runDir)).map((file) => readFile(join(runDir, file), 'utf8')))).join('');
    expect(everything).not.toContain('PRIVATE KEY');
  });

  it('exits 1 when an SLO is breached, and says which', async () => {
    const file = join(workDir, 'breach.yaml');
    await writeFile(file, yamlScenario({ name: 'breach', slos: ['handshake.p50 < 0.001ms', 'success.rate >= 99%'] }));
    const out = join(workDir, 'reports');
    const result = await runCli(['run', file, '--out', out], { timeoutMs: 60_000 });
    expect(result.exitCode).toBe(1);
    const saved = await readResult(await onlyRunFolder(out));
    expect(saved.verdict).toBe('fail');
    expect(saved.slos.map((slo) => [slo.expression, slo.passed])).toEqual([
      ['handshake.p50 < 0.001ms', false],
      ['success.rate >= 99%', true],
    ]);
    expect(result.stdout).toMatch(/FAIL\s+run\s+handshake\.p50 < 0\.001ms/);
  });

  it('exits 2 on an invalid scenario without starting anything', async () => {
    const file = join(workDir, 'bad.yaml');
    await writeFile(file, yamlScenario({ name: 'bad', slos: ['handshake.p95 < soon'] }).replace('rate: 20/s', 'rate: fast'));
    const out = join(workDir, 'reports');
    const result = await runCli(['run', file, '--out', out]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('load.rate');
    expect(result.stderr).toContain('slos.0');
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('on SIGINT stops the load and the lab, writes an aborted result and exits 130', async () => {
    const file = join(workDir, 'long.yaml');
    await writeFile(file, yamlScenario({ name: 'long', slos: ['success.rate >= 99%'], duration: '60s' }));
    const out = join(workDir, 'reports');
    const mark = `MTLS_CHAOS_TEST_MARK=${Date.now()}-${process.pid}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', file, '--out', out], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MTLS_CHAOS_TEST_MARK: mark.split('=')[1] },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Wait until load is flowing (a progress line), then interrupt.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress within 30 s: ${stderr}`)), 30_000);
      const check = () => {
        if (/attempts [1-9]/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        } else setTimeout(check, 100);
      };
      check();
    });
    // Every process of the run carries the mark while the drill runs.
    expect(await processesMarked(mark)).toBeGreaterThanOrEqual(2); // the CLI and its gateway
    const interruptedAt = Date.now();
    child.kill('SIGINT');
    const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(exitCode).toBe(130);
    expect(Date.now() - interruptedAt).toBeLessThan(10_000);
    const runDir = await onlyRunFolder(out);
    const saved = await readResult(runDir);
    expect(saved.status).toBe('aborted');
    expect(saved.verdict).toBe('fail');
    expect(saved.summary.attempts).toBeGreaterThan(0);
    // Nothing of the lab is left.
    expect(await processesMarked(mark)).toBe(0);
  });
});
