import { defineScenario } from '../src/scenario/index.js';
import base from './ocsp-slow.js';

export default defineScenario({
  ...base,
  name: 'ocsp-slow-nginx',
  description: `OCSP responder answers 1 s late for 6 s behind nginx (ssl_ocsp): clients still get in, handshakes that need a fresh answer wait ~1 s.
Breaks: at 6 s each OCSP answer is delayed by 1 s, for 6 s.
nginx has no ssl_ocsp timeout directive of its own: it waits for the slow answer, so nobody is
refused and the cost is latency.
Cache: nginx keeps answers until nextUpdate; the lab responder's answers are valid 2 s
(lab.ocspResponder.validity), so each identity needs a fresh, slow answer every few seconds.
Healthy: success unchanged; the whole-attempt p95 rises to around the delay during the fault.
SLOs: success >= 99.9% in baseline, >= 99% during the fault; fault-phase total.p95 >= 500ms;
recovery-phase success >= 99.9%.`,
  lab: {
    ...base.lab,
    gateway: { kind: 'nginx', ocsp: { mode: 'hard-fail' } },
    ocspResponder: { kind: 'builtin', validity: '2s' },
  },
});
