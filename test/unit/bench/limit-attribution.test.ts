import { describe, expect, it } from 'vitest';
import { judgeStep, type StepMeasurement } from '../../../src/bench/index.js';
import { emptyCategoryCounts } from '../../../src/metrics/index.js';
import type { SloVerdict } from '../../../src/result/index.js';

const verdict = (expression: string, passed: boolean): SloVerdict => ({
  expression,
  scope: 'run',
  metric: 'success.rate',
  operator: '>=',
  threshold: 0.99,
  unit: 'ratio',
  measured: passed ? 1 : 0.9,
  passed,
});

type StepChanges = Partial<Omit<StepMeasurement, 'generator'>> & { generator?: Partial<StepMeasurement['generator']> };

const step = (changes: StepChanges = {}): StepMeasurement => ({
  index: 0,
  phase: 'ramp',
  offeredRate: 100,
  plannedAttempts: 200,
  achievedRate: 100,
  warmupMs: 500,
  durationMs: 2_000,
  attempts: 200,
  succeeded: 200,
  successRate: 1,
  categories: { ...emptyCategoryCounts(), ok: 200 },
  resumed: 0,
  latency: { handshake: { p50: 2, p95: 4, p99: 6 }, total: { p50: 3, p95: 5, p99: 8 } },
  gatewayCpu: null,
  generatorCpu: { p50: 20, p95: 25, max: 30 },
  slos: [verdict('success.rate >= 99%', true)],
  machine: { cores: 2, loadAverageStart: 1, loadAverageEnd: 1, cpuBusyPercent: 50, stealPercent: 0 },
  ...changes,
  generator: { workers: 1, lateStarts: 0, lateStartThresholdMs: 20, maxStartDelayMs: 1, dropped: 0, maxEventLoopUtilization: 0.3, workerBusy: [0.3], eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 2, ...changes.generator },
});

describe('judgeStep', () => {
  it('passes a step whose SLOs held and whose achieved rate kept up', () => {
    expect(judgeStep(step())).toMatchObject({ passed: true, keptUp: true, slosHeld: true, generatorReasons: [] });
  });

  it('blames the SLO when the generator was healthy', () => {
    const judged = judgeStep(step({ slos: [verdict('handshake.p95 < 100ms', true), verdict('success.rate >= 99%', false)] }));
    expect(judged).toMatchObject({ passed: false, limit: 'slo:success.rate >= 99%' });
  });

  it.each([
    ['dropped attempts', { generator: { dropped: 5 } }, /5 attempts dropped/],
    ['a slipped schedule', { generator: { lateStarts: 60, maxStartDelayMs: 80 } }, /60 of 200 attempts started more than 20 ms late/],
    ['a saturated worker', { generator: { maxEventLoopUtilization: 0.97 } }, /busy 97% of the time/],
  ] as [string, StepChanges, RegExp][])('blames the generator, not the gateway, for a breach with %s', (_name, changes, reason) => {
    const judged = judgeStep(step({ ...changes, slos: [verdict('success.rate >= 99%', false)] }));
    expect(judged.limit).toBe('generator');
    expect(judged.generatorReasons.join('; ')).toMatch(reason);
  });

  it('fails a step whose achieved rate fell short even with every SLO met, and says generator', () => {
    const judged = judgeStep(step({ achievedRate: 80 }));
    expect(judged).toMatchObject({ passed: false, keptUp: false, slosHeld: true, limit: 'generator' });
    expect(judged.generatorReasons[0]).toMatch(/achieved 80\/s of the 100\/s offered/);
  });

  it('passes a step with a few late starts when the SLOs still held', () => {
    expect(judgeStep(step({ generator: { lateStarts: 30 } })).passed).toBe(true);
  });

  it('fails a step that measured no attempt', () => {
    expect(judgeStep(step({ attempts: 0, achievedRate: 0, slos: [] })).passed).toBe(false);
  });
});

describe('judgeStep: disturbed steps', () => {
  const failedSuccess = (attempts: number, succeeded: number): StepChanges => ({
    attempts,
    succeeded,
    successRate: succeeded / attempts,
    plannedAttempts: attempts,
    achievedRate: 100,
    slos: [{ ...verdict('success.rate >= 95%', false), threshold: 0.95, measured: succeeded / attempts }],
  });

  it('calls a failure inconclusive when a generator stall could bunch as many arrivals as failed beyond the allowance', () => {
    // 40 attempts at 95%: 2 failures allowed, 3 failed; a 120 ms stall at 100/s moves 12 arrivals.
    const judged = judgeStep(step({ ...failedSuccess(40, 37), generator: { eventLoopDelayMaxMs: 120, maxStartDelayMs: 90 } }));
    expect(judged).toMatchObject({ passed: false, limit: 'slo:success.rate >= 95%', inconclusive: true });
    expect(judged.noiseReasons.join('; ')).toMatch(/the generator stalled up to 120 ms/);
  });

  it('keeps a failure conclusive when it exceeds what the stall explains, or when nothing stalled', () => {
    // 200 attempts, 60 failed (50 beyond the allowance): a 30 ms stall at 100/s moves 3.
    const big = judgeStep(step({ ...failedSuccess(200, 140), generator: { eventLoopDelayMaxMs: 30 } }));
    expect(big).toMatchObject({ passed: false, limit: 'slo:success.rate >= 95%' });
    expect(big.inconclusive).toBeUndefined();
    const quiet = judgeStep(step(failedSuccess(40, 37)));
    expect(quiet.inconclusive).toBeUndefined();
    expect(quiet.noiseReasons).toEqual([]);
  });

  it('judges a latency miss against the stall in ms', () => {
    const latency = (measured: number): StepChanges => ({
      slos: [{ expression: 'handshake.p95 < 100ms', scope: 'run', metric: 'handshake.p95', operator: '<', threshold: 100, unit: 'ms', measured, passed: false }],
      generator: { eventLoopDelayMaxMs: 60 },
    });
    expect(judgeStep(step(latency(140))).inconclusive).toBe(true);
    expect(judgeStep(step(latency(400))).inconclusive).toBeUndefined();
  });

  it('counts steal as a disturbance and names a saturated machine beside it', () => {
    const judged = judgeStep(step({ ...failedSuccess(40, 37), machine: { cores: 2, loadAverageStart: 9, loadAverageEnd: 12, cpuBusyPercent: 99, stealPercent: 12 } }));
    expect(judged.inconclusive).toBe(true);
    expect(judged.noiseReasons).toEqual(['the hypervisor took 12% of the CPU (steal)', "the machine's 2 cores were 99% busy"]);
  });

  it('ignores stalls shorter than half an arrival interval', () => {
    // At 10/s, half an interval is 50 ms: a 40 ms stall moves nothing.
    expect(judgeStep(step({ offeredRate: 10, generator: { eventLoopDelayMaxMs: 40 } })).noiseReasons).toEqual([]);
  });
});

describe('plannedAttempts', () => {
  it('counts the arrivals of a schedule that fall in the measured window', async () => {
    const { plannedAttempts } = await import('../../../src/bench/step-runner.js');
    expect(plannedAttempts(9, 500, 1_000)).toBe(9);
    expect(plannedAttempts(4.5, 500, 1_000)).toBe(4);
    expect(plannedAttempts(1.2, 500, 1_000)).toBe(1);
    expect(plannedAttempts(100, 2_000, 10_000)).toBe(1_000);
  });
});

describe('stepDurationMs', () => {
  it('stretches a low-rate step to its minimum attempts, at most a minute', async () => {
    const { stepDurationMs } = await import('../../../src/bench/step-runner.js');
    expect(stepDurationMs(15, 1_000, 40)).toBe(2_667);
    expect(stepDurationMs(100, 1_000, 40)).toBe(1_000);
    expect(stepDurationMs(0.5, 1_000, 40)).toBe(60_000);
    expect(stepDurationMs(0.5, 120_000, 40)).toBe(120_000);
  });
});
