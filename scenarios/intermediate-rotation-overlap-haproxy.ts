import { defineScenario } from '../src/scenario/index.js';
import base from './intermediate-rotation-overlap.js';

export default defineScenario({
  ...base,
  name: 'intermediate-rotation-overlap-haproxy',
  description: `The client intermediate CA is rotated behind haproxy in the right order with an overlap bundle: it costs nothing.
Breaks: nothing should. At 6 s haproxy's ca-file becomes root + old intermediate + new
intermediate (overlap, reload by SIGUSR2 to the master); 3 s later every client identity is
re-issued (new key, same subject and SPIFFE ID) by a new intermediate under the same root and
sent with its new chain. The rotation stays: the recovery phase runs on the new intermediate.
Healthy: no attempt fails at any step: old leaves verify through the old intermediate they carry,
new ones through the new one, both anchored at the unchanged root; the master stays, its new
worker takes over the listening socket and the old one finishes its connections: nothing dropped.
SLOs: success >= 99.9% before, >= 99.5% during and >= 99.5% after the rotation; blast.radius <= 0.5%.`,
  lab: { ...base.lab, gateway: { kind: 'haproxy' } },
});
