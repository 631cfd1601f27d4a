import { defineScenario } from '../src/scenario/index.js';
import base from './revocation-latency.js';

export default defineScenario({
  ...base,
  name: 'revocation-latency-nginx',
  description: `client-1 is revoked (OCSP) at 6 s behind nginx (ssl_ocsp): nginx keeps letting it in for the rest of the run, because it caches the earlier "good" answer until its nextUpdate (1 h): the revocation latency is the responder's answer validity, not seconds.
Breaks: at 6 s the CA revokes client-1 and the OCSP responder answers revoked for it, for 6 s.
Cache: nginx's ssl_ocsp_cache keeps an answer until its nextUpdate and has no TTL knob; the lab
responder signs answers valid 1 h (its default, like many production responders), and client-1's
"good" was cached during the warm-up. So nginx does not ask again within this run and the revoked
client keeps getting in: the exposure window is up to the answer's validity. Shorten it with
lab.ocspResponder.validity (nginx then refuses within that time) or revoke through a CRL, which
nginx applies on reload (revocation-crl-nginx).
Healthy: nginx behaves as documented, i.e. the revoked client is NOT refused; the drill
measures the exposure, it does not endorse it.
SLOs: fault-phase success >= 99.9% and cert_revoked == 0 (the revoked client still got in);
baseline success >= 99.9%.`,
  lab: { ...base.lab, gateway: { kind: 'nginx', ocsp: { mode: 'hard-fail' } } },
  load: { ...base.load, duration: '20s' },
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'success.rate >= 99.9%', phase: 'fault' },
    { expr: 'category.cert_revoked.count == 0', phase: 'fault' },
  ],
});
