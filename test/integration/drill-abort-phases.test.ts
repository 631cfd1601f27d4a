import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RunResult } from '../../src/result/index.js';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { TINY_DRILL, leftoverProcesses, leftoverTempDirs, readRegistries, resultOf, runAndSignal, type SignalledRun } from '../support/signal-run.js';

/**
 * SIGINT (Ctrl-C) and SIGTERM (a CI runner stopping a job) in each phase of a real run of the
 * CLI: within 10 s the harness exits 130 / 143, the result on disk is marked aborted, and no
 * process of any group the run registered nor its temp folder with keys is left.
 * The runs go concurrently: each mostly waits on its drill's timers.
 */
const EXIT_WITHIN_MS = 10_000;

async function expectNothingLeft(run: SignalledRun): Promise<void> {
  // The registries captured at the signal name the process groups the run had started.
  expect(run.registered.length, run.stderr).toBeGreaterThan(0);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(leftoverProcesses(run.registered), run.stderr).toEqual([]);
  expect(await leftoverTempDirs(run.tmp), run.stderr).toEqual([]);
  expect(await readRegistries(run.tmp)).toEqual([]);
}

describe.concurrent('a signal in each phase of a run', () => {
  it('SIGINT while the lab starts: exit 130, an aborted result with no attempts, nothing left', async ({ onTestFinished }) => {
    const run = await runAndSignal({ onFinished: onTestFinished, trigger: { line: /starting gateway\/node/, afterMs: 0 }, signals: ['SIGINT'] });
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.signalToExitMs).toBeLessThan(EXIT_WITHIN_MS);
    // Nothing was measured: the result says aborted, with zero attempts and no SLO verdicts, so
    // that CI sees why there are no numbers rather than finding no file at all.
    const result = await resultOf(run.reportsDir);
    expect(result).toMatchObject({ status: 'aborted', verdict: 'fail', summary: { attempts: 0 }, slos: [] });
    await expectNothingLeft(run);
  }, 60_000);

  it('SIGINT in the baseline: exit 130, aborted with the baseline measured, the fault never injected', async ({ onTestFinished }) => {
    const run = await runAndSignal({ onFinished: onTestFinished, trigger: { line: /load started/, afterMs: 700 }, signals: ['SIGINT'] });
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.signalToExitMs).toBeLessThan(EXIT_WITHIN_MS);
    const result = (await resultOf(run.reportsDir))!;
    expect(result.status).toBe('aborted');
    expect(result.byPhase.baseline?.attempts).toBeGreaterThan(0);
    expect(result.faults[0]?.injectedAtMs).toBeUndefined();
    expect(run.stdout).toMatch(/^mtls-chaos tiny: ABORTED \(aborted, /m);
    await expectNothingLeft(run);
  }, 60_000);

  it('SIGINT while the gateway is frozen by the fault: healed, then stopped; exit 130', async ({ onTestFinished }) => {
    const run = await runAndSignal({ onFinished: onTestFinished, trigger: { line: /fault gateway-pause: inject/, afterMs: 500 }, signals: ['SIGINT'] });
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.signalToExitMs).toBeLessThan(EXIT_WITHIN_MS);
    const result = (await resultOf(run.reportsDir))!;
    expect(result.status).toBe('aborted');
    expect(result.faults[0]).toMatchObject({ injectedAtMs: expect.any(Number), healedAtMs: expect.any(Number) });
    expect(result.faults[0]?.error).toBeUndefined();
    expect(result.summary.attempts).toBeGreaterThan(0);
    await expectNothingLeft(run);
  }, 60_000);

  it('SIGINT in the recovery: exit 130, the whole fault in the result', async ({ onTestFinished }) => {
    const run = await runAndSignal({ onFinished: onTestFinished, trigger: { line: /fault gateway-pause: heal/, afterMs: 300 }, signals: ['SIGINT'] });
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.signalToExitMs).toBeLessThan(EXIT_WITHIN_MS);
    const result = (await resultOf(run.reportsDir))!;
    expect(result.status).toBe('aborted');
    // Healed on the timeline, before the signal: the abort had no fault left to heal.
    expect(result.faults[0]!.healedAtMs!).toBeLessThan(result.load.actualDurationMs - 250);
    expect(result.byPhase.fault?.attempts).toBeGreaterThan(0);
    await expectNothingLeft(run);
  }, 60_000);
});

describe.concurrent('SIGTERM and a second Ctrl-C', () => {
  it('SIGTERM in the baseline: exit 143, aborted', async ({ onTestFinished }) => {
    const run = await runAndSignal({ onFinished: onTestFinished, trigger: { line: /load started/, afterMs: 500 }, signals: ['SIGTERM'] });
    expect(run.exitCode, run.stderr).toBe(143);
    expect(run.signalToExitMs).toBeLessThan(EXIT_WITHIN_MS);
    expect((await resultOf(run.reportsDir))?.status).toBe('aborted');
    await expectNothingLeft(run);
  }, 60_000);

  it('SIGTERM during the fault: exit 143, healed, aborted', async ({ onTestFinished }) => {
    const run = await runAndSignal({ onFinished: onTestFinished, trigger: { line: /fault gateway-pause: inject/, afterMs: 300 }, signals: ['SIGTERM'] });
    expect(run.exitCode, run.stderr).toBe(143);
    expect(run.signalToExitMs).toBeLessThan(EXIT_WITHIN_MS);
    const result = (await resultOf(run.reportsDir))!;
    expect(result.status).toBe('aborted');
    expect(result.faults[0]?.healedAtMs).toBeDefined();
    await expectNothingLeft(run);
  }, 60_000);

  it('a second SIGINT stops now: the process groups are killed at once, keys removed, exit 130', async ({ onTestFinished }) => {
    const run = await runAndSignal({ onFinished: onTestFinished, trigger: { line: /fault gateway-pause: inject/, afterMs: 300 }, signals: ['SIGINT', 'SIGINT'], gapMs: 10 });
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/SIGINT again: stopping now/);
    expect(run.stderr).toMatch(/stopping now: killed \d+ process group\(s\) of the lab/);
    // Bounded by the CLI's stop-now deadline (2 s) plus process exit, not by graceful waits.
    expect(run.signalToExitMs).toBeLessThan(5_000);
    await expectNothingLeft(run);
  }, 60_000);
});

describe('a signal while the reports are written', () => {
  it('the reports are finished, then rewritten marked aborted; exit 130', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-abort-report-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'tiny.yaml'), TINY_DRILL);
    const scenario = await loadScenario(join(dir, 'tiny.yaml'));
    const controller = new AbortController();
    const outcome = await runScenario(scenario, {
      outDir: join(dir, 'reports'),
      durationMs: 2_000,
      signal: controller.signal,
      abortedBy: () => (controller.signal.aborted ? 'SIGINT' : undefined),
      // The moment the run starts writing: as a Ctrl-C landing in the middle of it would.
      log: (line) => {
        if (/^writing reports to /.test(line)) controller.abort(new Error('test: Ctrl-C while writing'));
      },
    });
    expect(outcome.exitCode).toBe(130);
    expect(outcome.result.status).toBe('aborted');
    const saved = JSON.parse(await readFile(join(outcome.dir, 'result.json'), 'utf8')) as RunResult;
    expect(saved.status).toBe('aborted');
    // Every number of the finished load is there.
    expect(saved.summary.attempts).toBeGreaterThan(20);
    expect(await readFile(join(outcome.dir, 'summary.md'), 'utf8')).toMatch(/run aborted/);
  }, 60_000);
});
