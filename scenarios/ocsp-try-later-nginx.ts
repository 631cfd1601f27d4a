import { defineScenario } from '../src/scenario/index.js';
import base from './ocsp-stale-nginx.js';

export default defineScenario({
  ...base,
  name: 'ocsp-try-later-nginx',
  description: `OCSP responder answers tryLater for 6 s behind nginx (ssl_ocsp, hard-fail only): once cached answers reach their nextUpdate (3 s) every client is refused as ocsp_unavailable; success is back after the heal.
Breaks: at 6 s the responder answers every request with the OCSP error status tryLater (RFC 6960
4.2.1), for 6 s.
Cache: nginx keeps an answer until its nextUpdate (no TTL knob); the lab responder's answers are
valid 3 s (lab.ocspResponder.validity), so the cache runs out within 3 s; tryLater is not cached.
Healthy: nginx fails closed; its log says "certificate status request failed", classified as
ocsp_unavailable; no other category.
SLOs: baseline success >= 99.9%; fault-phase ocsp_unavailable >= 40% (6 s minus at most 3 s of
cache) and no client called revoked (an outage is not a revocation); recovery.time < 5s (measured: 0-1 s; slack for a loaded machine); recovery success >= 99%.`,
  faults: [{ at: '6s', for: '6s', kind: 'ocsp-outage', mode: 'try-later' }],
});
