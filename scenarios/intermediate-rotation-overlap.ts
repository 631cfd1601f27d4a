import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'intermediate-rotation-overlap',
  description: `The client intermediate CA is rotated in the right order with an overlap bundle: it costs nothing.
Breaks: nothing should. At 6 s the node gateway's trust bundle for client certificates becomes
root + old intermediate + new intermediate (overlap, hot reload); 3 s later every client identity
is re-issued (new key, same subject and SPIFFE ID) by a new intermediate under the same root and
sent with its new chain. The rotation stays: the recovery phase runs on the new intermediate.
Healthy: no attempt fails at any step: old leaves verify through the old intermediate they carry,
new ones through the new one, both anchored at the unchanged root; no restart, no dropped connection.
SLOs: success >= 99.9% before, >= 99.5% during and >= 99.5% after the rotation; blast.radius <= 0.5%.`,
  lab: { gateway: { kind: 'node' } },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '20s', timeout: '2s' },
  faults: [{ at: '6s', for: '6s', kind: 'ca-rotation', ca: 'intermediate', bundle: 'overlap', order: 'bundle-first', stepDelay: '3s' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'success.rate >= 99.5%', phase: 'fault' },
    { expr: 'success.rate >= 99.5%', phase: 'recovery' },
    'blast.radius <= 0.5%',
  ],
});
