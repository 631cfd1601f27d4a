import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'revocation-crl-nginx',
  description: `client-1 is revoked through a CRL at 6 s behind nginx (ssl_crl): nginx refuses it as cert_revoked as soon as it has reloaded the new CRL (well under 3 s), and lets it back in after the un-revocation's reload.
Breaks: at 6 s the CA revokes client-1 and the gateway is reloaded with a fresh CRL (nginx -s
reload: new workers with the new ssl_crl); at 12 s the revocation is taken back with another CRL.
Cache: a CRL is not cached per client: new handshakes after the reload are checked against it, so
the revocation latency is the reload time. Compare revocation-latency-nginx (OCSP), where nginx's
cache keeps the revoked client in until the cached answer's nextUpdate.
Healthy: only client-1 is refused (at most 25% of attempts), as cert_revoked ("(23:certificate
revoked)" in nginx's log); recovery within a few seconds of the heal's reload.
SLOs: effect.latency (revocation latency) < 3s; fault-phase cert_revoked between 15% and 25%;
baseline success >= 99.9%; recovery.time < 3s.`,
  lab: {
    gateway: { kind: 'nginx', crl: true },
  },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '20s', timeout: '3s' },
  faults: [{ at: '6s', for: '6s', kind: 'revocation', identity: 0, via: 'crl' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    'effect.latency < 3s',
    { expr: 'category.cert_revoked.rate >= 15%', phase: 'fault' },
    { expr: 'category.cert_revoked.rate <= 25%', phase: 'fault' },
    'recovery.time < 3s',
  ],
});
