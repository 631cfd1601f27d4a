import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'untrusted-client-issuer-nginx',
  description: `Client certificates from a CA nginx does not trust (a new issuing CA that reached the clients first): refused as unknown_ca until the old ones return.
Breaks: at 6 s every client identity is re-issued (same subject and SANs, new key) by an issuing CA
under a root made for the fault alone, and sent with that intermediate; 6 s later the clients get
their own certificates back (heal), as a rollback of the rollout would.
Healthy: nginx fails closed: 400 "The SSL certificate error", and its error log says why
(X509_V_ERR 20, unable to get local issuer certificate): never accepted, never taken for an expired
or revoked certificate; success returns as soon as trusted certificates are used.
One variant only: the fault acts on the client side, so a gateway kind changes only how the refusal
is told (the external-gateway test shows it against openssl s_server's unknown_ca alert).
SLOs: baseline success >= 99.9%; fault phase: unknown_ca >= 90% and success <= 10%;
recovery.time < 3s; recovery success >= 98% (attempts already started when the heal lands still fail).`,
  lab: { gateway: { kind: 'nginx' } },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '20s', timeout: '2s' },
  faults: [{ at: '6s', for: '6s', kind: 'untrusted-issuer' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.unknown_ca.rate >= 90%', phase: 'fault' },
    { expr: 'success.rate <= 10%', phase: 'fault' },
    'recovery.time < 3s',
    { expr: 'success.rate >= 98%', phase: 'recovery' },
  ],
});
