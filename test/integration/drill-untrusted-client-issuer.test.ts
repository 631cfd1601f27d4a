import { describe, expect, it } from 'vitest';
import { breachedBeyond, healedAtMs, successOfDue } from '../support/heal-settled.js';
import { expectLifecycleRun } from '../support/lifecycle-drill.js';
import { retryIfMachineSpoiled, starvedTimeouts } from '../support/machine-noise.js';
import { runDrill } from '../support/run-drill.js';

describe('drill untrusted-client-issuer-nginx', () => {
  it('client certificates from a CA nginx does not trust are refused as unknown_ca (from its error log), and trusted ones come back on heal', async () => {
    // As in the other lifecycle drills: a run that a starved machine spoiled (attempts past the
    // load's 2 s timeout, no category but ok, unknown_ca and handshake_timeout) is run once more.
    const outcome = await retryIfMachineSpoiled(() => runDrill('untrusted-client-issuer-nginx', { durationMs: 16_000 }), starvedTimeouts(['ok', 'unknown_ca']));
    const result = expectLifecycleRun(outcome, 'untrusted-issuer');
    // Refused for this reason only: every fault-phase failure is unknown_ca.
    const fault = result.byPhase.fault!;
    expect(fault.categories.unknown_ca).toBeGreaterThan(0);
    expect(fault.categories.unknown_ca).toBe(fault.attempts - fault.categories.ok);
    // Judged by the seconds attempts were due (heal-settled.ts): none due while the fault held got through.
    const during = successOfDue(result, result.faults[0]!.injectedAtMs!, healedAtMs(result));
    expect(during.attempts, 'attempts due between the inject and the heal').toBeGreaterThan(100);
    expect(during.successRate).toBe(0);
    const recovered = successOfDue(result, healedAtMs(result));
    expect(recovered.attempts, 'attempts due after the heal').toBeGreaterThan(60);
    expect(recovered.successRate).toBeGreaterThanOrEqual(0.98);
    expect(breachedBeyond(result, ['fault', 'recovery'])).toEqual([]);
  }, 150_000);
});
