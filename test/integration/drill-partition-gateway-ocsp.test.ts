import { describe, expect, it } from 'vitest';
import { expectFailClosedOutage } from '../support/ocsp-drill-expectations.js';
import { runDrill } from '../support/run-drill.js';

describe('drills partition-gateway-ocsp*', () => {
  it('node hard-fail: the partitioned gateway refuses every client as ocsp_unavailable once its 1 s cache expires', async () => {
    const { result, exitCode } = await runDrill('partition-gateway-ocsp', { durationMs: 16_000 });
    expect(result.faults[0]).toMatchObject({ kind: 'network', description: 'partition (nothing crosses, both ways) on link gateway-ocsp' });
    expect(result.lab.components.map((component) => component.kind)).toContain('fault-proxy/builtin');
    // cacheTtl 1 s + the 1 s OCSP timeout + a second of slack: from second 9 nothing gets in.
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 9, minUnavailableRate: 0.6 });
    // The gateway gave its own verdict within its OCSP timeout: the clients never timed out.
    expect(result.byPhase.fault!.categories.handshake_timeout).toBe(0);
    expect(exitCode).toBe(0);
  }, 90_000);

  it('node soft-fail: the partition costs latency (the 1 s OCSP timeout), never a refusal', async () => {
    const { result, exitCode } = await runDrill('partition-gateway-ocsp-soft-fail', { durationMs: 16_000 });
    const fault = result.byPhase.fault!;
    expect(fault.attempts).toBeGreaterThan(100);
    expect(fault.successRate).toBeGreaterThanOrEqual(0.99);
    expect(fault.categories.ocsp_unavailable).toBe(0);
    // Unchecked clients waited for the gateway's OCSP timeout before their answer.
    expect(fault.latency.firstByte.p95).toBeGreaterThan(500);
    expect(result.verdict).toBe('pass');
    expect(exitCode).toBe(0);
  }, 90_000);

  it('nginx hard-fail: refused as ocsp_unavailable once its cached answers reach nextUpdate (3 s)', async () => {
    const { result, exitCode } = await runDrill('partition-gateway-ocsp-nginx', { durationMs: 16_000 });
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 10, minUnavailableRate: 0.4 });
    expect(result.byPhase.fault!.categories.connection_refused).toBe(0);
    expect(exitCode).toBe(0);
  }, 90_000);

  it('heals when aborted mid-partition: the result is aborted and every lab process, the proxy included, is gone', async () => {
    const { result, exitCode } = await runDrill('partition-gateway-ocsp', { abortAfterLog: { line: /fault network: inject/, afterMs: 2_000 } });
    expect(exitCode).toBe(130);
    expect(result.status).toBe('aborted');
    expect(result.faults[0]!.injectedAtMs).toBeDefined();
    expect(result.faults[0]!.healedAtMs).toBeDefined();
    expect(result.faults[0]!.error).toBeUndefined();
    for (const component of result.lab.components) {
      if (component.pid !== undefined) expect(() => process.kill(component.pid!, 0)).toThrow();
    }
  }, 60_000);
});
