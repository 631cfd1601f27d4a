import { defineScenario } from '../src/scenario/index.js';
import base from './ocsp-down-hard-fail.js';

export default defineScenario({
  ...base,
  name: 'ocsp-down-hard-fail-nginx',
  description: `OCSP responder down for 6 s behind nginx (ssl_ocsp, hard-fail only): success falls to ~0 once the cached answers reach their nextUpdate (3 s), and recovers after the heal.
Breaks: at 6 s the OCSP responder stops listening (connections refused) for 6 s; on heal it listens
again on the same URL (nginx's ssl_ocsp_responder).
Cache: nginx keeps an OCSP answer in ssl_ocsp_cache until the answer's nextUpdate and has no TTL
knob of its own; the lab responder's answers are valid for 3 s (lab.ocspResponder.validity) so the
cache runs out within 3 s of the outage. With the responder's default validity of 1 h, the same
outage would be invisible to clients already checked for an hour: what nextUpdate buys and costs.
Healthy: nginx fails closed: every refusal is ocsp_unavailable (its log says "certificate status
request failed"), nothing else; after the heal the next handshake gets a fresh answer.
SLOs: baseline success >= 99.9%; fault-phase ocsp_unavailable >= 40% (6 s minus at most 3 s of
cache); recovery.time < 5s (measured: 0-1 s; slack for a loaded machine); recovery-phase success >= 99%.`,
  lab: {
    ...base.lab,
    gateway: { kind: 'nginx', ocsp: { mode: 'hard-fail' } },
    ocspResponder: { kind: 'builtin', validity: '3s' },
  },
  load: { rate: '40/s', duration: '20s', timeout: '3s' },
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.ocsp_unavailable.rate >= 40%', phase: 'fault' },
    'recovery.time < 5s',
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
