import { describe, expect, it } from 'vitest';
import { expectLifecycleRun, phaseRate } from '../support/lifecycle-drill.js';
import { runDrill } from '../support/run-drill.js';

describe('drill expired-client-cert', () => {
  for (const drill of ['expired-client-cert', 'expired-client-cert-nginx', 'expired-client-cert-haproxy']) {
    it(`${drill}: expired client certificates are refused as cert_expired, then served again`, async () => {
      const outcome = await runDrill(drill, { durationMs: 16_000 });
      const result = expectLifecycleRun(outcome, 'expiry');
      // node and haproxy say it in their x-mtls-chaos-reason header; nginx only in its error log (verify error 10).
      expect(phaseRate(result, 'fault', 'cert_expired')).toBeGreaterThanOrEqual(0.9);
      expect(result.byPhase.fault!.successRate).toBeLessThanOrEqual(0.1);
      expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.98);
      expect(result.recovery?.timeMs).toBeLessThan(3_000);
      expect(result.verdict).toBe('pass');
    }, 90_000);
  }
});
