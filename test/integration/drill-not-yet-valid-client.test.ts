import { describe, expect, it } from 'vitest';
import { breachedBeyond, healedAtMs, successOfDue } from '../support/heal-settled.js';
import { expectLifecycleRun } from '../support/lifecycle-drill.js';
import { retryIfMachineSpoiled, starvedTimeouts } from '../support/machine-noise.js';
import { runDrill } from '../support/run-drill.js';

describe('drill not-yet-valid-client', () => {
  for (const drill of ['not-yet-valid-client', 'not-yet-valid-client-nginx']) {
    it(`${drill}: client certificates with a future notBefore are refused as cert_not_yet_valid`, async () => {
      // This gateway answers every attempt, refused or not, but on a starved machine the gateway or
      // the generator misses the load's 2 s timeout (every attempt from the 4th second on, beside
      // 7 CPU hogs at load 15). Such a run, with no category but ok, cert_not_yet_valid and
      // handshake_timeout, is run once more; a wrong category, or a gateway that hangs every run, fails.
      const outcome = await retryIfMachineSpoiled(
        () => runDrill(drill, { durationMs: 16_000 }),
        starvedTimeouts(['ok', 'cert_not_yet_valid']),
      );
      const result = expectLifecycleRun(outcome, 'not-yet-valid');
      // Refused for this reason only: every fault-phase failure is cert_not_yet_valid.
      const fault = result.byPhase.fault!;
      expect(fault.categories.cert_not_yet_valid).toBeGreaterThan(0);
      expect(fault.categories.cert_not_yet_valid).toBe(fault.attempts - fault.categories.ok);
      expect(fault.categories.cert_expired).toBe(0);
      // Judged by the seconds attempts were due, not the planned phases: on a loaded machine an
      // attempt takes a second or more, and those begun before the inject end in the fault phase
      // as successes (its success share was 22% and its cert_not_yet_valid share 78% beside CPU
      // hogs, against the SLOs' 10% and 90%); the same holds for attempts begun before the heal.
      const during = successOfDue(result, result.faults[0]!.injectedAtMs!, healedAtMs(result));
      expect(during.attempts, 'attempts due between the inject and the heal').toBeGreaterThan(100);
      expect(during.successRate).toBe(0);
      const recovered = successOfDue(result, healedAtMs(result));
      expect(recovered.attempts, 'attempts due after the heal').toBeGreaterThan(60);
      expect(recovered.successRate).toBeGreaterThanOrEqual(0.98);
      expect(breachedBeyond(result, ['fault', 'recovery'])).toEqual([]);
    }, 150_000);
  }
});
