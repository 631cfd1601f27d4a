import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FaultTimeline } from '../../src/faults/index.js';
import type { AttemptRecord } from '../../src/metrics/index.js';
import type { RunResult } from '../../src/result/index.js';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { writeAttemptsAsK6Output } from '../support/k6-points.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';

/**
 * No k6 binary runs here, so "k6's measurements" are our own load's attempts of a real drill,
 * written in k6's output format (test/support/k6-points.ts). What this proves: the import reads
 * that format, lines the requests up with the drill's fault windows through the result's
 * loadStartedAt, and judges them to the same verdicts as the drill judged its own load.
 */
describe('import k6 yields the same SLO verdicts as our own load on the same run', () => {
  it('gateway-pause: baseline, fault (timeouts as k6 error 1050), recovery time, recovery success', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-k6-import-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const scenario = await loadScenario(join(REPO_ROOT, 'scenarios', 'gateway-pause.ts'));
    const attempts: AttemptRecord[] = [];
    const drill = await runScenario(scenario, {
      outDir: join(dir, 'drill'),
      signal: new AbortController().signal,
      onAttempt: (record) => attempts.push(record),
    });
    const own = drill.result;
    expect(own.status).toBe('completed');
    expect(own.loadStartedAt).toBeDefined();
    expect(attempts.length).toBe(own.summary.attempts);
    expect(own.summary.categories.handshake_timeout).toBeGreaterThan(0);

    const output = join(dir, 'k6.ndjson');
    const timeline = new FaultTimeline(scenario.faults);
    await writeAttemptsAsK6Output(output, attempts, {
      loadStartEpochMs: Date.parse(own.loadStartedAt!),
      drill: scenario.name,
      phaseAt: (ms) => timeline.phaseAt(ms),
      url: own.load.target,
    });
    const faultsFile = join(dir, 'result.json');
    await writeFile(faultsFile, JSON.stringify(own));
    const imported = await runCli(['import', 'k6', output, '--faults', faultsFile, '--out', join(dir, 'imported')]);
    expect(imported.stderr).toBe('');
    expect(imported.exitCode).toBe(drill.exitCode);
    const result = JSON.parse(await readFile(join(dir, 'imported', 'result.json'), 'utf8')) as RunResult;

    expect(result.slos.map((slo) => [slo.expression, slo.scope, slo.passed])).toEqual(own.slos.map((slo) => [slo.expression, slo.scope, slo.passed]));
    expect(result.verdict).toBe(own.verdict);
    expect(result.summary.attempts).toBe(own.summary.attempts);
    // Phases from the times k6 stamps: an attempt at a fault's start or end can land in the
    // neighbouring phase (seen once in three clean CI runs: fault 161 against 160; the cause is
    // not pinned down yet), so each phase may differ by the one attempt at each of its two
    // boundaries; the totals and the SLO verdicts above are exact.
    for (const phase of ['baseline', 'fault', 'recovery'] as const) {
      const imported = result.byPhase[phase];
      const ownPhase = own.byPhase[phase];
      expect(Math.abs((imported?.attempts ?? 0) - (ownPhase?.attempts ?? 0)), phase).toBeLessThanOrEqual(2);
      for (const category of Object.keys(ownPhase?.categories ?? {}) as (keyof NonNullable<typeof ownPhase>['categories'])[]) {
        expect(Math.abs((imported?.categories[category] ?? 0) - (ownPhase?.categories[category] ?? 0)), `${phase} ${category}`).toBeLessThanOrEqual(2);
      }
    }
    expect(result.summary.categories).toEqual(own.summary.categories);
    expect(result.summary.latency.tlsHandshake.p95).toBeCloseTo(own.summary.latency.tlsHandshake.p95, 3);
    expect(result.recovery?.timeMs).toBe(own.recovery?.timeMs);
    expect(result.faults.map((fault) => [fault.kind, fault.injectedAtMs, fault.healedAtMs])).toEqual(own.faults.map((fault) => [fault.kind, fault.injectedAtMs, fault.healedAtMs]));
    expect(result.cpu.gateway?.samples.length).toBe(own.cpu.gateway?.samples.length);
    expect(result.scenario.runtime).toBe('external');
    expect(imported.stdout).toContain('mtls-chaos gateway-pause');

    // k6 started 2 s late: the fault windows still line up on the harness clock, not on k6's first request.
    const late = attempts.filter((attempt) => attempt.scheduledAtMs >= 2_000);
    const lateOutput = join(dir, 'k6-late.ndjson');
    await writeAttemptsAsK6Output(lateOutput, late, {
      loadStartEpochMs: Date.parse(own.loadStartedAt!),
      drill: scenario.name,
      phaseAt: (ms) => timeline.phaseAt(ms),
      url: own.load.target,
    });
    const lateImport = await runCli(['import', 'k6', lateOutput, '--faults', faultsFile, '--out', join(dir, 'imported-late')]);
    expect(lateImport.stderr).toBe('');
    const lateResult = JSON.parse(await readFile(join(dir, 'imported-late', 'result.json'), 'utf8')) as RunResult;
    // Against the first import (the same attempts from 2 s on): the same phases exactly.
    expect(lateResult.byPhase.fault?.categories).toEqual(result.byPhase.fault?.categories);
    expect(lateResult.byPhase.baseline?.attempts).toBe(result.byPhase.baseline!.attempts - (attempts.length - late.length));
    expect(lateResult.loadStartedAt).toBe(own.loadStartedAt);
  }, 120_000);
});

describe('mtls-chaos import k6 (CLI) on the hand-written fixture', () => {
  it('finds the drill by the script\'s drill tag, judges it, writes the reports, exit 1 on a breach', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-k6-import-cli-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const out = join(dir, 'imported');
    const result = await runCli([
      'import', 'k6', 'test/fixtures/k6/baseline-out.ndjson', '--summary', 'test/fixtures/k6/baseline-summary.json', '--out', out,
    ]);
    expect(result.stderr).toBe('');
    // 3 of 5 requests succeeded: baseline's success.rate >= 99.9% is breached.
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('mtls-chaos baseline: FAIL');
    const written = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
    expect(written.schemaVersion).toBe(1);
    expect(written.slos.map((slo) => [slo.expression, slo.passed])).toEqual([
      ['success.rate >= 99.9%', false],
      ['handshake.p95 < 150ms', true],
      ['total.p99 < 500ms', false],
    ]);
    expect(await readFile(join(out, 'summary.md'), 'utf8')).toContain('baseline');
  }, 60_000);

  it('refuses a file that is not k6 output with exit 2 and the file named', async () => {
    const result = await runCli(['import', 'k6', 'package.json', '--scenario', 'scenarios/baseline.ts']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('E_K6_OUTPUT_FORMAT');
    expect(result.stderr).toContain('package.json');
  }, 60_000);
});
