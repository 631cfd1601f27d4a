import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/result/index.js';
import { runDrill } from '../support/run-drill.js';

/** Share of the fault phase's attempts refused as cert_revoked. */
function revokedShare(result: RunResult): number {
  const fault = result.byPhase.fault!;
  return fault.categories.cert_revoked / fault.attempts;
}

describe('drills revocation-*', () => {
  it('node OCSP, 3 s cache: client-1 refused as cert_revoked within the cache TTL, back in within the TTL after the heal', async () => {
    const { result, exitCode } = await runDrill('revocation-latency');
    const [fault] = result.faults;
    expect(fault!.effect).toMatchObject({ category: 'cert_revoked', identity: 'client-1' });
    expect(fault!.effect!.afterMs).toBeGreaterThanOrEqual(0);
    expect(fault!.effect!.afterMs).toBeLessThan(4_500);
    // Only client-1, one identity of four, is refused; never as an outage.
    expect(revokedShare(result)).toBeGreaterThan(0.1);
    expect(revokedShare(result)).toBeLessThanOrEqual(0.25);
    expect(result.summary.categories.ocsp_unavailable).toBe(0);
    expect(result.errorSamples.cert_revoked?.length).toBeGreaterThan(0);
    expect(result.recovery?.timeMs).toBeLessThan(5_000);
    expect(result.slos.find((slo) => slo.metric === 'effect.latency')?.measured).toBe(fault!.effect!.afterMs);
    expect(result.verdict).toBe('pass');
    expect(exitCode).toBe(0);
  }, 90_000);

  it('nginx OCSP: the cached good answer (nextUpdate 1 h) keeps the revoked client in for the whole run', async () => {
    const { result, exitCode } = await runDrill('revocation-latency-nginx', { durationMs: 16_000 });
    expect(result.faults[0]!.effect).toEqual({ category: 'cert_revoked', identity: 'client-1' });
    expect(result.summary.categories.cert_revoked).toBe(0);
    expect(result.byPhase.fault!.successRate).toBe(1);
    expect(result.verdict).toBe('pass');
    expect(exitCode).toBe(0);
  }, 90_000);

  it.each(['nginx', 'haproxy'])('%s CRL: refused as cert_revoked right after the CRL reload, back in after the next one', async (kind) => {
    const { result, exitCode } = await runDrill(`revocation-crl-${kind}`, { durationMs: 16_000 });
    const effect = result.faults[0]!.effect!;
    expect(effect.identity).toBe('client-1');
    expect(effect.afterMs).toBeLessThan(3_000);
    expect(revokedShare(result)).toBeGreaterThan(0.15);
    expect(revokedShare(result)).toBeLessThanOrEqual(0.25);
    expect(result.recovery?.timeMs).toBeLessThan(3_000);
    expect(result.verdict).toBe('pass');
    expect(exitCode).toBe(0);
  }, 90_000);
});
