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

describe('plannedAttempts', () => {
  it('counts the arrivals of a schedule that fall in the measured window', async () => {
    const { plannedAttempts } = await import('../../../src/bench/step-runner.js');
    expect(plannedAttempts(9, 500, 1_000)).toBe(9);
    expect(plannedAttempts(4.5, 500, 1_000)).toBe(4);
    expect(plannedAttempts(1.2, 500, 1_000)).toBe(1);
    expect(plannedAttempts(100, 2_000, 10_000)).toBe(1_000);
  });
});
