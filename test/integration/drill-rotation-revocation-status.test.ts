import { describe, expect, it } from 'vitest';
import { expectLifecycleRun, runInlineScenario } from '../support/lifecycle-drill.js';

/**
 * A CA rotation behind a gateway that checks revocation: the lab publishes the new CA's OCSP
 * status (builtin responder, addIssuer) and CRLs before the first step, so the new leaves pass
 * as they do in a real rotation. Without it every new leaf failed: ocsp_unavailable under OCSP
 * hard-fail, unknown_ca (no CRL for the new issuer) under a CRL check.
 */
function rotationDrill(name: string, lab: Record<string, unknown>, ca: 'intermediate' | 'root'): Record<string, unknown> {
  return {
    name,
    description: `An overlap ${ca} CA rotation, bundle first, behind a gateway that checks revocation: nothing should fail.`,
    lab,
    pki: { clients: 4 },
    load: { rate: '40/s', duration: '18s', timeout: '2s' },
    faults: [{ at: '5s', for: '6s', kind: 'ca-rotation', ca, bundle: 'overlap', order: 'bundle-first', stepDelay: '3s' }],
    slos: [
      { expr: 'success.rate >= 99.5%', phase: 'fault' },
      { expr: 'success.rate >= 99.5%', phase: 'recovery' },
    ],
  };
}

const hardFail = { mode: 'hard-fail', cacheTtl: '2s', timeout: '1s' };

describe('drill: ca-rotation behind a gateway that checks revocation', () => {
  const cases = [
    { name: 'rotation-ocsp-hard-fail', ca: 'intermediate', lab: { gateway: { kind: 'node', ocsp: hardFail }, ocspResponder: { kind: 'builtin' } } },
    { name: 'rotation-crl', ca: 'intermediate', lab: { gateway: { kind: 'node', crl: true } } },
    // A new root too: the gateway's CRL file must also hold the new root's CRL (for the new intermediate).
    { name: 'rotation-root-crl-and-ocsp', ca: 'root', lab: { gateway: { kind: 'node', crl: true, ocsp: hardFail }, ocspResponder: { kind: 'builtin' } } },
  ] as const;
  for (const drill of cases) {
    it(`${drill.name}: the new leaves are checked and accepted, no attempt lost to a lab gap`, async () => {
      const outcome = await runInlineScenario(rotationDrill(drill.name, drill.lab, drill.ca));
      const result = expectLifecycleRun(outcome, 'ca-rotation');
      expect(result.byPhase.fault!.successRate).toBeGreaterThanOrEqual(0.995);
      expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.995);
      expect(result.byPhase.recovery!.categories.ocsp_unavailable).toBe(0);
      expect(result.byPhase.recovery!.categories.unknown_ca).toBe(0);
      expect(result.verdict).toBe('pass');
    }, 90_000);
  }
});
