import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/bench/index.js';
import { runCli } from '../support/run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-bench-matrix-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface MatrixJson {
  readonly scenario: string;
  readonly combinations: readonly { configuration: string; change?: string; dimension?: string; capacity: number; limitedBy: string; relative: number; report: BenchReport }[];
}

describe('mtls-chaos bench <scenario> against the real nginx gateway', () => {
  it('--matrix key: one lab per key algorithm (ECDSA P-256, RSA-2048, Ed25519), a table relative to the first', async () => {
    const out = join(dir, 'matrix.json');
    // A low --max keeps this short: each configuration reaches it ("≥30/s, max"), unless the
    // machine is so busy that the generator itself cannot offer 30/s; then bench says so.
    const result = await runCli(
      ['bench', 'scenarios/bench-nginx.ts', '--matrix', 'key', '--slo', 'success.rate >= 99%', '--start', '15/s', '--max', '30/s', '--step', '1s', '--warmup', '0.5s', '--json-out', out],
      { timeoutMs: 120_000 },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/capacity per configuration, each relative to the first/);
    const row = String.raw`≥\d+(\.\d)?\/s\s+(max|generator)\s+~?\d\.\d\dx\s+\d+\.\d\d\s+\d+%`;
    expect(result.stdout).toMatch(new RegExp(String.raw`^nginx, ECDSA P-256, chain 2, resumption off, OCSP off, TLS 1\.3\s+${row}`, 'm'));
    expect(result.stdout).toMatch(new RegExp(String.raw`^ {2}RSA-2048\s+${row}`, 'm'));
    expect(result.stdout).toMatch(new RegExp(String.raw`^ {2}Ed25519\s+${row}`, 'm'));
    // Both capacities are lower bounds (max or generator): the table states no cost between them.
    expect(result.stdout).toMatch(/^RSA-2048 vs ECDSA P-256: ≥\d+(\.\d)?\/s vs ≥\d+(\.\d)?\/s, both lower bounds .*: no cost can be stated$/m);
    // Progress: the lab of each configuration, then its steps.
    expect(result.stderr).toMatch(/\[3\/3\] nginx, Ed25519, chain 2, .*: starting the lab/);
    const matrix = JSON.parse(await readFile(out, 'utf8')) as MatrixJson;
    expect(matrix.scenario).toBe('bench-nginx');
    expect(matrix.combinations.map((row) => row.change ?? row.configuration)).toEqual([
      'nginx, ECDSA P-256, chain 2, resumption off, OCSP off, TLS 1.3',
      'RSA-2048',
      'Ed25519',
    ]);
    const baseCapacity = matrix.combinations[0]!.capacity;
    for (const row of matrix.combinations) {
      expect(row.capacity).toBeGreaterThan(0);
      expect(row.capacity).toBeLessThanOrEqual(30);
      expect(['max', 'generator']).toContain(row.limitedBy);
      expect(row.relative).toBeCloseTo(row.capacity / baseCapacity, 6);
      // Real handshakes with that key type went through nginx: every attempt ok, CPU measured.
      const steps = row.report.steps;
      expect(steps.every((step) => step.categories.ok === step.attempts && step.attempts > 0)).toBe(true);
      expect(steps.every((step) => step.gatewayCpu !== null)).toBe(true);
      expect(row.report.target).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    }
  }, 120_000);

  it('refuses --matrix against a URL and a scenario with faults, with exit 2', async () => {
    const url = await runCli(['bench', 'https://127.0.0.1:1/', '--matrix', '--slo', 'success.rate >= 99%', '--ca', 'x']);
    expect(url.exitCode).toBe(2);
    expect(url.stderr).toMatch(/E_CLI_FLAG.*--matrix needs a scenario/);
    const faults = await runCli(['bench', 'scenarios/gateway-pause.ts']);
    expect(faults.exitCode).toBe(2);
    expect(faults.stderr).toMatch(/E_BENCH_FAULTS/);
  });
});
