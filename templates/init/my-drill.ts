// A drill in TypeScript: the same schema as YAML, typed by `defineScenario`.
// Check it: `npx mtls-chaos validate my-drill.ts`; run it: `npx mtls-chaos run my-drill.ts`.
// Types in your editor: `npm install --save-dev mtls-chaos` in this folder (running needs no install).
import { defineScenario } from 'mtls-chaos';

/** When the OCSP responder goes down, and for how long. */
const outage = { at: '3s', for: '4s' };

export default defineScenario({
  name: 'my-ocsp-outage',
  description: `OCSP responder down for ${outage.for} behind a soft-fail gateway: clients keep getting in.
Breaks: at ${outage.at} the OCSP responder stops listening for ${outage.for}, then listens again.
Healthy: soft-fail lets clients in unchecked while the responder is away; nothing fails.
SLOs: at least 99.9% of attempts succeed; no ocsp_unavailable while the responder is down.`,
  lab: {
    // Answers are cached for 2s, so the outage reaches the handshakes within the fault window.
    gateway: { kind: 'node', ocsp: { mode: 'soft-fail', cacheTtl: '2s', timeout: '2s' } },
    ocspResponder: { kind: 'builtin' },
  },
  pki: { algorithm: 'ecdsa-p256', clients: 2 },
  load: { rate: '20/s', duration: '12s', resumption: false, timeout: '5s' },
  faults: [{ ...outage, kind: 'ocsp-outage', mode: 'down' }],
  slos: [
    'success.rate >= 99.9%',
    { expr: 'category.ocsp_unavailable.count == 0', phase: 'fault' },
  ],
});
