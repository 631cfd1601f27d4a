import { describe, expect, it } from 'vitest';
import { MetricsRecorder, type AttemptRecord, type Phase } from '../../../src/metrics/index.js';
import type { SloVerdict } from '../../../src/result/index.js';
import { evaluateSlos, parseSlo, type SloEvidenceSource, type SloScope } from '../../../src/slo/index.js';

/**
 * A measured run, built through the real recorder: 30 s at 10/s; baseline [0,10 s) all ok with
 * handshakes of 1..100 ms; fault [10 s, 20 s) every attempt cert_expired; recovery all ok.
 * CPU: gateway 10% a second in baseline, 50% in fault, 20% in recovery; generator 30%.
 */
function measuredRun(): SloEvidenceSource {
  const phaseAt = (ms: number): Phase => (ms < 10_000 ? 'baseline' : ms < 20_000 ? 'fault' : 'recovery');
  const recorder = new MetricsRecorder({ phaseAt });
  let n = 0;
  for (let ms = 0; ms < 30_000; ms += 100) {
    const phase = phaseAt(ms);
    const handshakeMs = (n++ % 100) + 1;
    const attempt: AttemptRecord = {
      scheduledAtMs: ms,
      startDelayMs: phase === 'fault' && n % 10 === 0 ? 40 : 1,
      tcpConnectMs: 0.2,
      tlsHandshakeMs: handshakeMs,
      firstByteMs: 1,
      totalMs: handshakeMs + 2,
      category: phase === 'fault' ? 'cert_expired' : 'ok',
      resumed: false,
      identity: 'client-1',
    };
    // keep each attempt inside its scheduled phase for simple expectations
    recorder.record({ ...attempt, scheduledAtMs: Math.min(ms, Math.floor(ms / 10_000) * 10_000 + 9_800) });
  }
  for (let second = 0; second < 30; second++) {
    recorder.recordCpu('gateway', second, second < 10 ? 10 : second < 20 ? 50 : 20);
    recorder.recordCpu('generator', second, 30);
  }
  const metrics = recorder.finish(30_000);
  return {
    ...metrics,
    phases: [
      { phase: 'baseline', startMs: 0, endMs: 10_000 },
      { phase: 'fault', startMs: 10_000, endMs: 20_000 },
      { phase: 'recovery', startMs: 20_000, endMs: 30_000 },
    ],
  };
}

function verdict(expression: string, scope: SloScope, result: SloEvidenceSource = measuredRun()): SloVerdict {
  const [only] = evaluateSlos([{ slo: parseSlo(expression), scope }], result);
  return only as SloVerdict;
}

describe('evaluateSlos', () => {
  const run = measuredRun();

  it('judges latency in ms with each operator', () => {
    const p95 = verdict('handshake.p95 < 150ms', 'run', run);
    expect(p95).toMatchObject({ metric: 'handshake.p95', operator: '<', threshold: 150, unit: 'ms', scope: 'run', passed: true });
    expect(p95.measured).toBeCloseTo(95, 0);
    expect(verdict('handshake.p95 < 50ms', 'run', run).passed).toBe(false);
    expect(verdict('handshake.max <= 100ms', 'run', run).passed).toBe(true);
    expect(verdict('handshake.max < 100ms', 'run', run).passed).toBe(false);
    expect(verdict('handshake.max > 99ms', 'run', run).passed).toBe(true);
    expect(verdict('handshake.max >= 0.1s', 'run', run).passed).toBe(true);
    expect(verdict('handshake.max == 100', 'run', run).passed).toBe(true);
    expect(verdict('handshake.max == 99', 'run', run).passed).toBe(false);
    expect(verdict('total.p50 > 1s', 'run', run)).toMatchObject({ threshold: 1_000, passed: false });
    expect(verdict('tcp_connect.mean < 1ms', 'run', run)).toMatchObject({ measured: 0.2, passed: true });
  });

  it('judges rates as ratios 0..1 in the scope asked for', () => {
    const whole = verdict('success.rate >= 99.9%', 'run', run);
    expect(whole).toMatchObject({ threshold: 0.999, unit: 'ratio', passed: false });
    expect(whole.measured).toBeCloseTo(2 / 3, 10);
    expect(verdict('success.rate >= 99.9%', 'baseline', run)).toMatchObject({ measured: 1, passed: true, scope: 'baseline' });
    expect(verdict('success.rate >= 99.9%', 'recovery', run).passed).toBe(true);
    expect(verdict('success.rate == 0', 'fault', run)).toMatchObject({ measured: 0, passed: true });
    expect(verdict('error.rate < 0.1%', 'fault', run)).toMatchObject({ measured: 1, passed: false });
  });

  it('judges a drill that expects failure by category share and count', () => {
    expect(verdict('category.cert_expired.rate >= 99%', 'fault', run)).toMatchObject({ measured: 1, passed: true });
    expect(verdict('category.cert_expired.rate >= 99%', 'baseline', run)).toMatchObject({ measured: 0, passed: false });
    expect(verdict('category.cert_expired.count == 100', 'fault', run)).toMatchObject({ measured: 100, unit: 'count', passed: true });
    expect(verdict('category.ok.count == 0', 'fault', run).passed).toBe(true);
    expect(verdict('category.cert_expired.rate == 33.3%', 'run', run).passed).toBe(false);
    expect(verdict('category.cert_expired.rate > 33.3%', 'run', run).passed).toBe(true);
  });

  it('judges attempts, rate and late starts', () => {
    expect(verdict('attempts.count >= 300', 'run', run)).toMatchObject({ measured: 300, passed: true });
    expect(verdict('attempts.rate >= 10/s', 'run', run)).toMatchObject({ measured: 10, unit: 'per_second', passed: true });
    expect(verdict('attempts.rate > 10', 'fault', run)).toMatchObject({ measured: 10, passed: false });
    expect(verdict('late_starts.count == 10', 'fault', run)).toMatchObject({ measured: 10, passed: true });
    expect(verdict('late_starts.count == 0', 'baseline', run).passed).toBe(true);
  });

  it('judges CPU in percent, per phase from the samples of that phase', () => {
    expect(verdict('gateway.cpu.p95 < 80%', 'run', run)).toMatchObject({ measured: 50, unit: 'percent', threshold: 80, passed: true });
    expect(verdict('gateway.cpu.max < 40%', 'run', run).passed).toBe(false);
    expect(verdict('gateway.cpu.max < 40%', 'recovery', run)).toMatchObject({ measured: 20, passed: true });
    expect(verdict('gateway.cpu.p50 == 50', 'fault', run).passed).toBe(true);
    expect(verdict('generator.cpu.p95 < 90%', 'baseline', run)).toMatchObject({ measured: 30, passed: true });
  });

  it('fails with a note when there is no evidence in scope', () => {
    const empty = new MetricsRecorder({ phaseAt: () => 'baseline' }).finish(5_000);
    for (const expression of ['handshake.p95 < 150ms', 'success.rate >= 99%', 'category.ok.rate >= 0', 'late_starts.count == 0']) {
      const result = verdict(expression, 'run', empty);
      expect(result.passed).toBe(false);
      expect(result.measured).toBeUndefined();
      expect(result.note).toBe('no attempts in the run: no evidence to judge');
    }
    expect(verdict('attempts.count == 0', 'run', empty)).toMatchObject({ measured: 0, passed: true });
    expect(verdict('success.rate >= 99%', 'fault', empty)).toMatchObject({
      passed: false,
      note: 'the fault phase did not happen in this run: no evidence to judge',
    });
    const gateway = verdict('gateway.cpu.p95 < 80%', 'run', empty);
    expect(gateway).toMatchObject({ passed: false });
    expect(gateway.note).toMatch(/no gateway CPU samples in the run/);
    expect(verdict('generator.cpu.p95 < 80%', 'run', empty).note).toMatch(/no generator CPU samples/);
  });

  it('judges phase CPU only when the phase windows are known', () => {
    const { phases: _phases, ...withoutPhases } = run;
    const fault = verdict('gateway.cpu.p95 < 80%', 'fault', withoutPhases);
    expect(fault.passed).toBe(false);
    expect(fault.measured).toBeUndefined();
    expect(verdict('gateway.cpu.p95 < 80%', 'run', withoutPhases).passed).toBe(true);
  });

  it('fails recovery.time with a note when no fault healed, and judges it when one did', () => {
    const result = verdict('recovery.time < 30s', 'recovery', run);
    expect(result).toMatchObject({ passed: false, threshold: 30_000, unit: 'ms' });
    expect(result.measured).toBeUndefined();
    expect(result.note).toMatch(/no recovery was measured/);
    const recovered = { ...run, recovery: { healedAtMs: 10_000, timeMs: 2_000, targetSuccessRate: 0.99, resolutionMs: 1_000 } };
    expect(verdict('recovery.time < 3s', 'run', recovered)).toMatchObject({ passed: true, measured: 2_000, resolutionMs: 1_000 });
    expect(verdict('recovery.time < 1s', 'run', recovered)).toMatchObject({ passed: false, measured: 2_000 });
    // Back within the heal's own second: timeMs is an upper bound, so "< 30s" holds; it reads "< 1 s".
    const withinASecond = { ...run, recovery: { healedAtMs: 5_999, timeMs: 1, targetSuccessRate: 0.99, resolutionMs: 1_000 } };
    expect(verdict('recovery.time < 30s', 'run', withinASecond)).toMatchObject({ passed: true, measured: 1, resolutionMs: 1_000 });
    const never = { ...run, recovery: { healedAtMs: 10_000, targetSuccessRate: 0.99, resolutionMs: 1_000 } };
    expect(verdict('recovery.time < 30s', 'run', never).note).toMatch(/never came back to 99.0%/);
  });

  it('judges blast.radius from the fault phase', () => {
    expect(verdict('blast.radius <= 10%', 'run', run).note).toMatch(/no fault phase/);
    expect(verdict('blast.radius <= 10%', 'run', { ...run, blastRadius: 0.05 })).toMatchObject({ passed: true, measured: 0.05 });
  });

  it('keeps expression, scope and order', () => {
    const verdicts = evaluateSlos(
      [
        { slo: parseSlo('success.rate >= 99.9%'), scope: 'baseline' },
        { slo: parseSlo('category.cert_expired.rate >= 99%'), scope: 'fault' },
      ],
      run,
    );
    expect(verdicts.map((v) => [v.expression, v.scope, v.passed])).toEqual([
      ['success.rate >= 99.9%', 'baseline', true],
      ['category.cert_expired.rate >= 99%', 'fault', true],
    ]);
  });
});
