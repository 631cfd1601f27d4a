import { describe, expect, it } from 'vitest';
import { expectAbortedMidFault, expectLifecycleRun, phaseRate } from '../support/lifecycle-drill.js';
import { runDrill } from '../support/run-drill.js';

describe('drill expired-server-cert', () => {
  for (const drill of ['expired-server-cert', 'expired-server-cert-nginx']) {
    it(`${drill}: clients refuse the expired server certificate until the late renewal, about half the window`, async () => {
      const outcome = await runDrill(drill, { durationMs: 18_000 });
      const result = expectLifecycleRun(outcome, 'expiry');
      expect(result.faults[0]!.description).toBe('server certificate expired, renewed 4s later');
      const expired = phaseRate(result, 'fault', 'cert_expired');
      expect(expired).toBeGreaterThan(0.3);
      expect(expired).toBeLessThan(0.7);
      // Everything that failed failed for the expiry.
      expect(1 - result.byPhase.fault!.successRate).toBeCloseTo(expired, 5);
      // The renewal ended the outage before the heal: the last seconds of the fault window succeed.
      const renewedSeconds = result.timeline.filter((bucket) => bucket.second >= 11 && bucket.second < 14);
      expect(renewedSeconds).toHaveLength(3);
      for (const bucket of renewedSeconds) expect((bucket.startedSucceeded ?? bucket.succeeded) / (bucket.startedAttempts ?? bucket.attempts)).toBeGreaterThanOrEqual(0.95);
      expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.99);
      expect(result.verdict).toBe('pass');
    }, 90_000);
  }

  it('expired-server-cert-nginx aborted mid-fault (before the renewal): healed, stopped, result marked aborted', async () => {
    expectAbortedMidFault(await runDrill('expired-server-cert-nginx', { abortAfterMs: 8_000 }));
  }, 60_000);
});
