import { defineScenario } from '../src/scenario/index.js';
import base from './intermediate-rotation-overlap.js';

export default defineScenario({
  ...base,
  name: 'intermediate-rotation-overlap-nginx',
  description: `The client intermediate CA is rotated behind nginx in the right order with an overlap bundle: it costs nothing.
Breaks: nothing should. At 6 s nginx's trust bundle for client certificates becomes
root + old intermediate + new intermediate (overlap, reload by SIGHUP); 3 s later every client identity
is re-issued (new key, same subject and SPIFFE ID) by a new intermediate under the same root and
sent with its new chain. The rotation stays: the recovery phase runs on the new intermediate.
Healthy: no attempt fails at any step: old leaves verify through the old intermediate they carry,
new ones through the new one, both anchored at the unchanged root; no restart, no dropped connection.
SLOs: success >= 99.9% before, >= 99.5% during and >= 99.5% after the rotation; blast.radius <= 0.5%.`,
  lab: { ...base.lab, gateway: { kind: 'nginx' } },
});
