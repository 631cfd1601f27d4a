import { describe, expect, it } from 'vitest';
import { expectLifecycleRun, phaseRate, runInlineScenario } from '../support/lifecycle-drill.js';
import { runDrill } from '../support/run-drill.js';

describe('drill expired-intermediate', () => {
  for (const [drill, recoveryRate] of [['expired-intermediate', 0.98], ['expired-intermediate-nginx', 0.9]] as const) {
    it(`${drill}: every chain carrying the expired intermediate fails as cert_expired, valid leaves notwithstanding`, async () => {
      const outcome = await runDrill(drill, { durationMs: 16_000 });
      const result = expectLifecycleRun(outcome, 'expiry');
      // Not 100%: attempts in flight when the expired chain is swapped in finish as they started,
      // and nginx reloads to it (up to a second late on a busy machine).
      expect(phaseRate(result, 'fault', 'cert_expired')).toBeGreaterThanOrEqual(0.85);
      expect(phaseRate(result, 'fault', 'unknown_ca')).toBe(0);
      expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(recoveryRate);
      expect(result.recovery?.timeMs).toBeLessThan(3_000);
      expect(result.verdict).toBe('pass');
    }, 90_000);
  }

  it('an expired root (same key, in the trust bundle and the clients\' trust) fails as cert_expired too', async () => {
    const outcome = await runInlineScenario({
      name: 'expired-root',
      description: 'The root expires: the gateway trust bundle and the clients trust an expired root.',
      lab: { gateway: { kind: 'node' } },
      pki: { clients: 2 },
      load: { rate: '30/s', duration: '14s', timeout: '2s' },
      faults: [{ at: '5s', for: '5s', kind: 'expiry', target: 'root' }],
      slos: [{ expr: 'success.rate >= 99.9%', phase: 'baseline' }],
    });
    const result = expectLifecycleRun(outcome, 'expiry');
    expect(phaseRate(result, 'fault', 'cert_expired')).toBeGreaterThanOrEqual(0.9);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.98);
  }, 90_000);
});
