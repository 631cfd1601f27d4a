import { describe, expect, it } from 'vitest';
import { runDrill } from '../support/run-drill.js';

describe('drill client-gateway-latency', () => {
  it('adds about two one-way delays to the handshake while every attempt still succeeds', async () => {
    const { result, exitCode } = await runDrill('client-gateway-latency', { durationMs: 16_000 });
    expect(result.faults[0]).toMatchObject({ kind: 'network', description: 'latency 100 ms ± 20 ms on link client-gateway' });
    const baseline = result.byPhase.baseline!;
    const fault = result.byPhase.fault!;
    const recovery = result.byPhase.recovery!;
    expect(baseline.successRate).toBeGreaterThanOrEqual(0.999);
    expect(fault.successRate).toBeGreaterThanOrEqual(0.99);
    expect(recovery.successRate).toBeGreaterThanOrEqual(0.99);
    // ClientHello up and the server's flight down each wait 100 ms ± 20 ms: at least 160 ms more.
    expect(fault.latency.tlsHandshake.p50).toBeGreaterThanOrEqual(baseline.latency.tlsHandshake.p50 + 150);
    // The bytes arrive intact and in order (a reordered TLS record would be bad_record_mac: other).
    expect(fault.categories.other).toBe(0);
    expect(fault.categories.connection_reset).toBe(0);
    // Back to the baseline's order of magnitude once the toxic is removed.
    expect(recovery.latency.tlsHandshake.p50).toBeLessThan(fault.latency.tlsHandshake.p50 / 2);
    expect(exitCode).toBe(0);
  }, 90_000);
});
