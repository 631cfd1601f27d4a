import { describe, expect, it } from 'vitest';
import { expectLifecycleRun, phaseRate } from '../support/lifecycle-drill.js';
import { runDrill } from '../support/run-drill.js';

describe('drill not-yet-valid-client', () => {
  for (const drill of ['not-yet-valid-client', 'not-yet-valid-client-nginx']) {
    it(`${drill}: client certificates with a future notBefore are refused as cert_not_yet_valid`, async () => {
      const outcome = await runDrill(drill, { durationMs: 16_000 });
      const result = expectLifecycleRun(outcome, 'not-yet-valid');
      expect(phaseRate(result, 'fault', 'cert_not_yet_valid')).toBeGreaterThanOrEqual(0.9);
      expect(phaseRate(result, 'fault', 'cert_expired')).toBe(0);
      expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.98);
      expect(result.verdict).toBe('pass');
    }, 90_000);
  }
});
