import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'expired-client-cert',
  description: `Every client certificate expires mid-run: the node gateway refuses them as cert_expired until they are replaced.
Breaks: at 6 s every client identity is swapped for the same certificate (same key, subject and
SPIFFE ID) re-issued with a notAfter an hour in the past, as when the renewal job of a fleet
stopped a day ago; 6 s later the original, valid certificates come back (heal).
Healthy: the gateway fails closed and says why: every attempt with an expired certificate gets
495 with reason cert_expired (X509_V_ERR 10), none slips through, nothing else breaks; with valid
certificates back, success returns at once.
SLOs: baseline success >= 99.9%; fault phase: cert_expired >= 90% of attempts and success <= 10%
(a gateway that accepts expired certificates breaches it); recovery.time < 3s; recovery success >= 98% (attempts already started when the heal lands still fail).`,
  lab: { gateway: { kind: 'node' } },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '20s', timeout: '2s' },
  faults: [{ at: '6s', for: '6s', kind: 'expiry', target: 'client' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.cert_expired.rate >= 90%', phase: 'fault' },
    { expr: 'success.rate <= 10%', phase: 'fault' },
    'recovery.time < 3s',
    { expr: 'success.rate >= 98%', phase: 'recovery' },
  ],
});
