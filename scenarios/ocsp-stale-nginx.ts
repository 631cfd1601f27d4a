import { defineScenario } from '../src/scenario/index.js';
import base from './ocsp-stale.js';

export default defineScenario({
  ...base,
  name: 'ocsp-stale-nginx',
  description: `OCSP responder serves stale answers (nextUpdate an hour past) for 6 s behind nginx (ssl_ocsp): once cached answers reach their nextUpdate (3 s) every client is refused as ocsp_unavailable; success is back after the heal.
Breaks: at 6 s every answer says good but its nextUpdate is an hour past, for 6 s.
Cache: nginx keeps an answer until its nextUpdate; the lab responder's answers are valid 3 s
(lab.ocspResponder.validity). OpenSSL's OCSP_check_validity, which nginx calls with 300 s of
leeway, rejects a nextUpdate an hour past; a stale answer within those 5 minutes would pass.
Healthy: nginx fails closed ("certificate status request failed" in its log): ocsp_unavailable
only, and it recovers after the heal.
SLOs: baseline success >= 99.9%; fault-phase ocsp_unavailable >= 40% and no client called revoked
(an outage is not a revocation); recovery.time < 5s (measured: 0-1 s; slack for a loaded machine); recovery success >= 99%.`,
  lab: {
    ...base.lab,
    gateway: { kind: 'nginx', ocsp: { mode: 'hard-fail' } },
    ocspResponder: { kind: 'builtin', validity: '3s' },
  },
  load: { rate: '40/s', duration: '20s', timeout: '3s' },
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.ocsp_unavailable.rate >= 40%', phase: 'fault' },
    { expr: 'category.cert_revoked.count == 0', phase: 'fault' },
    'recovery.time < 5s',
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
