import { defineScenario } from '../src/scenario/index.js';
import base from './revocation-crl-nginx.js';

export default defineScenario({
  ...base,
  name: 'revocation-crl-haproxy',
  description: `client-1 is revoked through a CRL at 6 s behind haproxy (crl-file): haproxy refuses it as cert_revoked as soon as it has reloaded the new CRL (well under 3 s), and lets it back in after the un-revocation's reload.
Breaks: at 6 s the CA revokes client-1 and the gateway is reloaded with a fresh CRL (SIGUSR2 to
the master: a new worker loads the new crl-file, checked first with haproxy -c); at 12 s the
revocation is taken back with another CRL.
Cache: a CRL is not cached per client: new handshakes after the reload are checked against it, so
the revocation latency is the reload time. haproxy cannot check client certificates with OCSP at
all: CRLs are its only revocation mechanism.
Healthy: only client-1 is refused (at most 25% of attempts), as cert_revoked (495, ssl_c_verify
23); recovery within a few seconds of the heal's reload.
SLOs: effect.latency (revocation latency) < 3s; fault-phase cert_revoked between 15% and 25%;
baseline success >= 99.9%; recovery.time < 3s.`,
  lab: { gateway: { kind: 'haproxy', crl: true } },
});
