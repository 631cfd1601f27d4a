import { describe, expect, it } from 'vitest';
import { compareResults, renderComparison } from '../../../src/report/index.js';
import { parseRunResult, type RunResult } from '../../../src/result/index.js';
import { abortedRunResult, fixtureRunResult, recoveredRunResult } from './fixtures/run-result.js';

/** The fixture with its handshake percentiles scaled, as a slower gateway would measure. */
function slowerHandshakes(result: RunResult, factor: number): RunResult {
  const handshake = result.summary.latency.tlsHandshake;
  return {
    ...result,
    summary: {
      ...result.summary,
      latency: { ...result.summary.latency, tlsHandshake: { ...handshake, p95: handshake.p95 * factor, p99: handshake.p99 * factor } },
    },
  };
}

describe('compareResults', () => {
  it('finds no regression in an identical pair', () => {
    const comparison = compareResults(fixtureRunResult(), fixtureRunResult());
    expect(comparison.regressions).toBe(0);
    expect(comparison.metrics.every((change) => change.delta === 0 || change.delta === undefined)).toBe(true);
    expect(comparison.slos.map((change) => change.change)).toEqual(['still passing', 'still passing', 'still failing', 'still passing', 'still failing']);
    expect(renderComparison(comparison)).toContain('no regression beyond the tolerance');
  });

  it('flags handshake p95 and p99 slower beyond the tolerance, not within it', () => {
    const flagged = compareResults(fixtureRunResult(), slowerHandshakes(fixtureRunResult(), 1.5));
    expect(flagged.metrics.filter((change) => change.regressed).map((change) => change.metric)).toEqual(['handshake.p95', 'handshake.p99']);
    expect(flagged.regressions).toBe(2);
    const p95 = flagged.metrics.find((change) => change.metric === 'handshake.p95')!;
    expect(p95.relativeChange).toBeCloseTo(0.5);
    expect(renderComparison(flagged)).toMatch(/REGRESSED\s+handshake\.p95\s+9\.87 ms\s+14\.8\d ms\s+\+4\.9\d ms \(\+50\.0%\)/);

    expect(compareResults(fixtureRunResult(), slowerHandshakes(fixtureRunResult(), 1.08)).regressions).toBe(0);
    expect(compareResults(fixtureRunResult(), slowerHandshakes(fixtureRunResult(), 1.5), { tolerance: 0.6, rateTolerance: 0.01 }).regressions).toBe(0);
  });

  it('does not flag a faster candidate, nor a tiny absolute change on a tiny latency', () => {
    expect(compareResults(fixtureRunResult(), slowerHandshakes(fixtureRunResult(), 0.5)).regressions).toBe(0);
    const base = fixtureRunResult();
    const tiny = { ...base, summary: { ...base.summary, latency: { ...base.summary.latency, tcpConnect: base.summary.latency.tcpConnect } } };
    // handshake.p50 4.12 ms -> 4.9 ms is +19% but under the 1 ms floor
    const p50 = { ...tiny, summary: { ...tiny.summary, latency: { ...tiny.summary.latency, tlsHandshake: { ...tiny.summary.latency.tlsHandshake, p50: 4.9 } } } };
    expect(compareResults(base, p50).metrics.find((change) => change.metric === 'handshake.p50')!.regressed).toBe(false);
  });

  it('flags a success-rate drop and a failure category growth beyond the rate tolerance', () => {
    const base = fixtureRunResult();
    const worse: RunResult = {
      ...base,
      summary: {
        ...base.summary,
        succeeded: 5_000,
        successRate: 5_000 / 6_000,
        categories: { ...base.summary.categories, ok: 5_000, cert_expired: 990 },
      },
    };
    const comparison = compareResults(base, worse);
    expect(comparison.metrics.filter((change) => change.regressed).map((change) => change.metric)).toEqual(['success.rate', 'category.cert_expired.rate']);
    expect(renderComparison(comparison)).toMatch(/REGRESSED\s+success\.rate\s+90%\s+83\.33%\s+-6\.67 pp/);
  });

  it('flags an SLO that passed and now fails, and a new failing one; a fixed one is not a regression', () => {
    const base = fixtureRunResult();
    const slos = base.slos.map((slo, index) =>
      index === 0 ? { ...slo, measured: 200, passed: false } : index === 2 ? { ...slo, measured: 0.9995, passed: true } : slo,
    );
    const candidate = { ...base, slos: [...slos, { ...base.slos[0]!, expression: 'handshake.p99 < 300ms', measured: 400, passed: false }] };
    const comparison = compareResults(base, candidate);
    expect(comparison.slos.map((change) => [change.expression, change.scope, change.change, change.regressed])).toEqual([
      ['handshake.p95 < 150ms', 'run', 'broke', true],
      ['success.rate >= 99.9%', 'baseline', 'still passing', false],
      ['success.rate >= 99.9%', 'fault', 'fixed', false],
      ['gateway.cpu.p95 < 80% | custom', 'run', 'still passing', false],
      ['recovery.time < 30s', 'recovery', 'still failing', false],
      ['handshake.p99 < 300ms', 'run', 'new, failing', true],
    ]);
    expect(comparison.regressions).toBe(2);
    expect(renderComparison(comparison)).toMatch(/REGRESSED\s+run\s+handshake\.p95 < 150ms\s+PASS 9\.87 ms\s+FAIL 200 ms\s+broke/);
  });

  it('warns when the runs are of different drills or one did not complete', () => {
    const base = fixtureRunResult();
    const other = { ...base, status: 'aborted' as const, scenario: { ...base.scenario, name: 'other-drill' } };
    expect(compareResults(base, other).warnings).toEqual([
      'the runs are of different drills (expired-client vs other-drill): figures compare, SLOs match by expression',
      'the candidate run was aborted: its figures cover only part of the drill',
    ]);
  });

  it('treats two recoveries within the one-second resolution as the same, also against a result written before it was recorded', () => {
    // Last night's result.json, from before resolutionMs: recovery.time measured 1 ms; read back, it is known to one second.
    const old = JSON.parse(JSON.stringify(recoveredRunResult(1))) as { recovery: Record<string, unknown>; slos: Record<string, unknown>[] };
    delete old.recovery['resolutionMs'];
    for (const slo of old.slos) delete slo['resolutionMs'];
    const baseline = parseRunResult(old, 'last-night/result.json');
    const comparison = compareResults(baseline, recoveredRunResult(640));
    const recovery = comparison.metrics.find((change) => change.metric === 'recovery.time')!;
    expect(recovery).toMatchObject({ regressed: false, resolutionMs: 1_000 });
    expect(recovery.delta).toBeUndefined();
    expect(comparison.regressions).toBe(0);
    const text = renderComparison(comparison);
    expect(text).toMatch(/^ +recovery\.time +< 1 s +< 1 s +same: both within one step of the measurement$/m);
    expect(text).toMatch(/^ +recovery +recovery\.time < 30s +PASS < 1 s +PASS < 1 s +still passing$/m);
    expect(text).not.toContain('1 ms');
  });

  it('flags a recovery slower by more than a step and the tolerance, or one that never came', () => {
    const slower = compareResults(recoveredRunResult(1_200), recoveredRunResult(4_000));
    expect(slower.metrics.find((change) => change.metric === 'recovery.time')).toMatchObject({ regressed: true, delta: 2_800 });
    expect(renderComparison(slower)).toMatch(/REGRESSED\s+recovery\.time\s+1\.2 s\s+4 s\s+\+2\.8 s/);
    // 1.2 s -> 1.9 s: 58% slower, but within one step of a one-second measurement.
    expect(compareResults(recoveredRunResult(1_200), recoveredRunResult(1_900)).regressions).toBe(0);
    const never = { ...recoveredRunResult(), recovery: { healedAtMs: 19_999, targetSuccessRate: 0.999, resolutionMs: 1_000 } };
    expect(compareResults(recoveredRunResult(1_200), never).metrics.find((change) => change.metric === 'recovery.time')).toMatchObject({
      regressed: true,
      note: 'the candidate never recovered before its run ended',
    });
  });

  it('names an aborted run ABORTED in its header line', () => {
    const text = renderComparison(compareResults(fixtureRunResult(), abortedRunResult()));
    expect(text.split('\n')[0]).toBe('baseline:  expired-client started 2025-01-02T03:04:05.000Z (completed, FAIL)');
    expect(text.split('\n')[1]).toBe('candidate: expired-client started 2025-01-02T03:04:05.000Z (ABORTED)');
  });
});
