import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'root-rotation-cutover',
  description: `Root CA rotation with a hard cutover before the leaves are re-issued: every client is unknown_ca until its new certificate arrives.
Breaks: at 6 s the node gateway's trust bundle for client certificates is cut over to a new root
only (the old root removed, no overlap); the client certificates are re-issued under the new root
(new intermediate, new keys) 3 s later. Heal completes the rotation; the new PKI stays.
Healthy: this order is wrong and the harness shows what it costs: from the cutover until the new
leaves arrive every attempt is refused as unknown_ca (the old chains lead to a root the gateway no
longer trusts: X509_V_ERR 20), then success returns at once without a restart. About half of the
6 s fault window fails; the overlap rotation (intermediate-rotation-overlap) costs nothing.
SLOs: baseline success >= 99.9%; fault phase: unknown_ca between 30% and 70% of attempts and
nothing else fails; recovery success >= 99% on the new root.`,
  lab: { gateway: { kind: 'node' } },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '20s', timeout: '2s' },
  faults: [{ at: '6s', for: '6s', kind: 'ca-rotation', ca: 'root', bundle: 'cutover', order: 'bundle-first', stepDelay: '3s' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.unknown_ca.rate >= 30%', phase: 'fault' },
    { expr: 'category.unknown_ca.rate <= 70%', phase: 'fault' },
    { expr: 'error.rate <= 70%', phase: 'fault' },
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
