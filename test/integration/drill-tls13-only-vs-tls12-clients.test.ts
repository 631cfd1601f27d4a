import { describe, expect, it } from 'vitest';
import { expectLifecycleRun, phaseRate } from '../support/lifecycle-drill.js';
import { runDrill } from '../support/run-drill.js';

describe('drill tls13-only-vs-tls12-clients', () => {
  for (const [drill, recoveryRate] of [['tls13-only-vs-tls12-clients', 0.98], ['tls13-only-vs-tls12-clients-nginx', 0.95]] as const) {
    it(`${drill}: TLS 1.2 clients fail as tls_policy while the gateway is TLS 1.3-only`, async () => {
      const outcome = await runDrill(drill, { durationMs: 16_000 });
      const result = expectLifecycleRun(outcome, 'tls-policy');
      expect(phaseRate(result, 'fault', 'tls_policy')).toBeGreaterThanOrEqual(0.9);
      expect(result.errorSamples.tls_policy?.some((code) => /PROTOCOL_VERSION/.test(code))).toBe(true);
      // Baseline and recovery really ran on TLS 1.2.
      expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(recoveryRate);
      expect(result.recovery?.timeMs).toBeLessThan(3_000);
      expect(result.verdict).toBe('pass');
    }, 90_000);
  }
});
