import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepDurationMs, type BenchChartData, type BenchReport } from '../../src/bench/index.js';
import { ERROR_CATEGORIES } from '../../src/metrics/index.js';
import { buildLabPki, makeLabPkiTempDir, removeLabPkiDir, writeLabPki, type LabPkiFiles } from '../../src/pki/index.js';
import { startCapacityFront } from '../support/capacity-front.js';
import { KNOWN_CAPACITY_CASES, benchKnownCapacity, knownCapacityOutcome } from '../support/known-capacity.js';

/**
 * `bench` against TLS fronts whose capacity is known by construction: at most N new connections
 * in any one-second window, the rest reset. Over N the success rate is at most N/rate, so the
 * 95% SLO fails from 1.053 N on; below N nothing is reset, unless arrivals bunch: a generator
 * (or front) stalled for d seconds puts r x d extra arrivals into one window. On a loaded 2-core
 * machine such stalls are routine, so each case must either find N within 15% or say "noise"
 * with the evidence; a precise wrong knee fails it. Steps are short (1 s after a 0.5 s warm-up,
 * stretched to 40 attempts): see test/support/known-capacity.ts, which `npm run bench --
 * known-capacity` shares to count the outcomes over many runs.
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

/** The --html from the same run: one point per step and the knee at the capacity. */
async function expectPageMatches(htmlFile: string, report: BenchReport): Promise<void> {
  const page = await readFile(htmlFile, 'utf8');
  const start = page.indexOf('id="bench-data">') + 'id="bench-data">'.length;
  const data = JSON.parse(page.slice(start, page.indexOf('</script>', start))) as BenchChartData;
  expect(data.rates).toHaveLength(report.steps.length);
  expect(data.knee?.rate).toBe(report.capacity > 0 ? report.capacity : undefined);
  if (report.noise) expect(page).toContain('id="noise"');
}

/**
 * The JSON's promises: capacity is the highest offered rate whose last step passed, the failing
 * rate the lowest rate above it whose last step failed (a failing step is repeated, so a rate can
 * appear several times).
 */
function expectConsistent(report: BenchReport): void {
  const last = new Map<number, boolean>();
  for (const step of report.steps) last.set(step.offeredRate, step.passed);
  const passing = [...last].filter(([, passed]) => passed).map(([rate]) => rate);
  const failing = [...last].filter(([, passed]) => !passed).map(([rate]) => rate);
  expect(report.capacity).toBe(Math.max(...passing));
  expect(report.failingRate).toBe(Math.min(...failing.filter((rate) => rate > report.capacity)));
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
    expect(step.generator.workerBusy).toHaveLength(step.generator.workers);
    expect(step.generator.eventLoopDelayMaxMs).toBeGreaterThanOrEqual(step.generator.eventLoopDelayP99Ms);
    // What the machine did is read from /proc (Linux): load average, busy and steal.
    expect(step.machine.cpuBusyPercent).toBeGreaterThan(0);
    expect(step.machine.stealPercent).toBeGreaterThanOrEqual(0);
    expect(step.machine.loadAverageEnd).toBeGreaterThanOrEqual(0);
    expect(step.slos.map((slo) => slo.expression)).toEqual(report.slos);
    // Low rates are stretched to 40 measured attempts (--min-attempts), never more than offered.
    expect(step.durationMs).toBe(stepDurationMs(step.offeredRate, 1_000, 40));
    expect(step.attempts).toBeLessThanOrEqual(Math.ceil(step.offeredRate * (step.durationMs / 1_000)) + 1);
    // An inconclusive step is a failed one with its disturbance named.
    if (step.inconclusive) {
      expect(step.passed).toBe(false);
      expect(step.noiseReasons.length).toBeGreaterThan(0);
    }
  });
}

describe('mtls-chaos bench finds a known capacity', () => {
  it.each(KNOWN_CAPACITY_CASES.map(({ capacity, start }) => [capacity, start] as const))(
    'finds a front that admits %d new connections/s within 15%%, limited by the success SLO, or says noise (or generator-bound) with its evidence',
    async (capacity, start) => {
      const front = await startCapacityFront(capacity, files);
      const { report, stdout, stderr, htmlFile } = await benchKnownCapacity(front, start, files, dir, `known-${capacity}`);
      await expectPageMatches(htmlFile, report);
      expectConsistent(report);
      expect(stderr).toMatch(/^step 1 ramp {4}offered \d+\.\d\/s achieved/m);
      expect(stdout).toContain('generator: 2 worker threads (--workers)');
      expect(report.settings).toMatchObject({ workers: 2, workersChosenBy: 'flag', minAttempts: 40, resume: false });
      // The front's own CPU was measured (it is a local process named with --gateway-pid).
      expect(report.steps.every((step) => step.gatewayCpu !== null)).toBe(true);
      const outcome = knownCapacityOutcome(report, capacity);
      // The one outcome this test exists to catch: a precise figure off by more than 15%.
      expect(outcome, stdout).not.toBe('wrong');
      if (outcome === 'generator') {
        // A machine so loaded that two threads could not offer the rate: a lower bound, said so.
        expect(report.capacityText).toBe(`at least ${report.capacity}/s`);
        expect(report.generatorReasons.length, stdout).toBeGreaterThan(0);
        expect(stdout).toMatch(/the load generator, not the gateway, was the limit/);
        return;
      }
      if (outcome === 'noise') {
        expect(report.atLeast).toBe(true);
        expect(report.noise, stdout).not.toBeNull();
        const noise = report.noise!;
        expect(report.capacityText).toBe(`${noise.lowRate > 0 ? `between ${noise.lowRate}/s and` : 'below'} ${noise.highRate}/s (too noisy to tell)`);
        expect(noise.lowRate).toBe(report.capacity);
        // The range is honest: it holds the true capacity (within the 15% the test allows).
        expect(noise.lowRate).toBeLessThanOrEqual(capacity * 1.15);
        expect(noise.highRate).toBeGreaterThanOrEqual(capacity * 0.85);
        expect(noise.reasons.length).toBeGreaterThan(0);
        // Each reason names its evidence: a stall, steal, runs that disagreed, or the machine's load.
        for (const reason of noise.reasons) expect(reason).toMatch(/stalled up to \d+ ms|steal|disagreed|load changed/);
        for (const rate of noise.inconclusiveRates) expect(report.steps.some((step) => step.offeredRate === rate && step.inconclusive)).toBe(true);
        expect(stdout).toContain(`capacity: ${report.capacityText} (limited by noise`);
        expect(stdout).toMatch(/too noisy to tell: the capacity is at least/);
        return;
      }
      expect(report.capacity, stdout).toBeGreaterThanOrEqual(capacity * 0.85);
      expect(report.capacity, stdout).toBeLessThanOrEqual(capacity * 1.15);
      expect(report.limitedBy, stdout).toBe('slo:success.rate >= 95%');
      expect(report.atLeast).toBe(false);
      expect(report.capacityText).toBe(`${report.capacity}/s`);
      report.steps.forEach((step) => expect(step.generator.workers).toBe(2));
      expect(report.steps.at(-1)).toMatchObject({ phase: 'confirm', offeredRate: report.capacity, passed: true });
      expect(report.confirmed).toBe(true);
      // Over the knee the front resets connections: the failing steps say so in their categories.
      const over = report.steps.find((step) => step.offeredRate === report.failingRate)!;
      expect(over.categories.connection_reset).toBeGreaterThan(0);
      expect(stdout).toMatch(new RegExp(`capacity: ${report.capacity}/s \\(limited by slo:success.rate >= 95%, confirmed by a repeat step\\)`));
    },
    180_000,
  );

  it('says "generator" and "at least" when the generator is what cannot keep up', async () => {
    // The front admits far more than offered; one attempt in flight at most caps the generator.
    const front = await startCapacityFront(5_000, files);
    // From 20/s: the 40 attempts a step needs take 2 s at most (from 4/s they took 10 s a step).
    const { report, stdout } = await benchKnownCapacity(front, '20/s', files, dir, 'generator-bound', ['--max-in-flight', '1', '--workers', '1', '--max-steps', '12']);
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
  }, 180_000);
});
