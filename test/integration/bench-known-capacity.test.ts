import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchChartData, BenchReport } from '../../src/bench/index.js';
import { ERROR_CATEGORIES } from '../../src/metrics/index.js';
import { buildLabPki, makeLabPkiTempDir, removeLabPkiDir, writeLabPki, type LabPkiFiles } from '../../src/pki/index.js';
import { startCapacityFront } from '../support/capacity-front.js';
import { runCli } from '../support/run-cli.js';

/**
 * `bench` against TLS fronts whose capacity is known by construction: at most N new connections
 * in any one-second window, the rest reset. Over N the success rate is at most N/rate, so the
 * 95% SLO fails from 1.053 N on; below N nothing is reset. Short steps (1 s measured after a
 * 0.5 s warm-up) keep each search near 20 s.
 */
let dir: string;
let files: LabPkiFiles;

beforeAll(async () => {
  dir = await makeLabPkiTempDir('bench-test');
  files = await writeLabPki(await buildLabPki({ clients: 2 }), join(dir, 'pki'));
});
afterAll(async () => {
  await removeLabPkiDir(dir);
});

const identityFlags = () => [...files.clients.flatMap((client) => ['--cert', client.certificate, '--key', client.key]), '--ca', files.trustBundle];
// Two generator threads: on a 2-core machine shared with other test files one thread may get too
// little CPU to offer twice the front's capacity, and bench would then (rightly) blame itself.
const SHORT_STEPS = ['--step', '1s', '--warmup', '0.5s', '--workers', '2', '--resolution', '8%'];

async function bench(url: string, args: readonly string[], name: string): Promise<{ exitCode: number; stdout: string; stderr: string; report: BenchReport }> {
  const out = join(dir, `${name}.json`);
  const html = join(dir, `${name}.html`);
  const result = await runCli(['bench', url, ...identityFlags(), ...SHORT_STEPS, ...args, '--json', out, '--html', html], { timeoutMs: 90_000 });
  if (result.exitCode !== 0) throw new Error(`bench exited ${result.exitCode}: ${result.stderr}\n${result.stdout}`);
  const report = JSON.parse(await readFile(out, 'utf8')) as BenchReport;
  // --html from the same run: the page embeds one point per step and the knee at the capacity.
  const page = await readFile(html, 'utf8');
  const start = page.indexOf('id="bench-data">') + 'id="bench-data">'.length;
  const data = JSON.parse(page.slice(start, page.indexOf('</script>', start))) as BenchChartData;
  expect(data.rates).toHaveLength(report.steps.length);
  expect(data.knee?.rate).toBe(report.capacity > 0 ? report.capacity : undefined);
  return { ...result, report };
}

/**
 * The JSON's promises: capacity is the highest offered rate whose last step passed, the failing
 * rate the lowest rate above it whose last step failed (a failing step is repeated once, so a
 * rate can appear twice).
 */
function expectConsistent(report: BenchReport): void {
  const last = new Map<number, boolean>();
  for (const step of report.steps) last.set(step.offeredRate, step.passed);
  const passing = [...last].filter(([, passed]) => passed).map(([rate]) => rate);
  const failing = [...last].filter(([, passed]) => !passed).map(([rate]) => rate);
  expect(report.capacity).toBe(Math.max(...passing));
  expect(report.failingRate).toBe(Math.min(...failing.filter((rate) => rate > report.capacity)));
  expect(report.steps.at(-1)).toMatchObject({ phase: 'confirm', offeredRate: report.capacity, passed: true });
  expect(report.confirmed).toBe(true);
  report.steps.forEach((step, index) => {
    expect(step.index).toBe(index);
    expect(Object.keys(step.categories).sort()).toEqual([...ERROR_CATEGORIES].sort());
    expect(Object.values(step.categories).reduce((a, b) => a + b, 0)).toBe(step.attempts);
    expect(step.succeeded).toBe(step.categories.ok);
    expect(step.successRate).toBeCloseTo(step.attempts > 0 ? step.succeeded / step.attempts : 0, 6);
    for (const latency of [step.latency.handshake, step.latency.total]) {
      expect(latency.p50).toBeLessThanOrEqual(latency.p95);
      expect(latency.p95).toBeLessThanOrEqual(latency.p99);
    }
    expect(step.generatorCpu.p95).toBeGreaterThan(0);
    expect(step.generator.workers).toBe(2);
    expect(step.slos.map((slo) => slo.expression)).toEqual(report.slos);
    // Never more attempts than the schedule offered in the measured window.
    expect(step.attempts).toBeLessThanOrEqual(Math.ceil(step.offeredRate * (step.durationMs / 1_000)) + 1);
  });
}

describe('mtls-chaos bench finds a known capacity', () => {
  it.each([
    // Starting at 0.6 N, the ramp's first failure is at 1.2 N: the generator never has to offer
    // more than 1.2 N, which a 2-core machine shared with other suites still manages.
    [15, '9/s'],
    [40, '24/s'],
  ])('finds a front that admits %d new connections/s within 15%%, limited by the success SLO', async (capacity, start) => {
    const front = await startCapacityFront(capacity, files);
    const { report, stdout, stderr } = await bench(
      front.url,
      ['--slo', 'success.rate >= 95%', '--start', start, '--max', '1000/s', '--gateway-pid', String(front.pid)],
      `known-${capacity}`,
    );
    expect(report.capacity, stdout).toBeGreaterThanOrEqual(capacity * 0.85);
    expect(report.capacity, stdout).toBeLessThanOrEqual(capacity * 1.15);
    expect(report.limitedBy, stdout).toBe("slo:success.rate >= 95%");
    expect(report.atLeast).toBe(false);
    expect(report.capacityText).toBe(`${report.capacity}/s`);
    expectConsistent(report);
    // Over the knee the front resets connections: the failing steps say so in their categories.
    const over = report.steps.find((step) => step.offeredRate === report.failingRate)!;
    expect(over.categories.connection_reset).toBeGreaterThan(0);
    // The front's own CPU was measured (it is a local process named with --gateway-pid).
    expect(report.steps.every((step) => step.gatewayCpu !== null)).toBe(true);
    expect(stdout).toMatch(new RegExp(`capacity: ${report.capacity}/s \\(limited by slo:success.rate >= 95%, confirmed by a repeat step\\)`));
    expect(stderr).toMatch(/^step 1 ramp {4}offered \d+\.\d\/s achieved/m);
  }, 90_000);

  it('says "generator" and "at least" when the generator is what cannot keep up', async () => {
    // The front admits far more than offered; one attempt in flight at most caps the generator.
    const front = await startCapacityFront(5_000, files);
    const { report, stdout } = await bench(front.url, ['--slo', 'success.rate >= 95%', '--start', '4/s', '--max', '2000/s', '--max-in-flight', '1', '--workers', '1'], 'generator-bound');
    expect(report.limitedBy).toBe('generator');
    expect(report.atLeast).toBe(true);
    expect(report.capacityText).toBe(`at least ${report.capacity}/s`);
    expect(report.capacity).toBeGreaterThan(0);
    expect(report.failingRate).toBeGreaterThan(report.capacity);
    expect(report.generatorReasons.join('; ')).toMatch(/dropped at the generator's in-flight bound/);
    const failing = report.steps.find((step) => step.offeredRate === report.failingRate)!;
    // The gateway refused nothing: what failed was our side.
    expect(failing.categories.connection_reset).toBe(0);
    expect(failing.generator.dropped).toBeGreaterThan(0);
    expect(failing.achievedRate).toBeLessThan(failing.offeredRate);
    expect(stdout).toMatch(/capacity: at least \d+(\.\d)?\/s \(limited by generator/);
    expect(stdout).toMatch(/the load generator, not the gateway, was the limit/);
  }, 90_000);
});
