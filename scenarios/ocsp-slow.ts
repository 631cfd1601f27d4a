import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'ocsp-slow',
  description: `OCSP responder answers 1 s late for 6 s, behind a hard-fail node gateway whose OCSP timeout (2 s) is longer: every client still gets in, but handshakes that need a fresh answer wait ~1 s.
Breaks: at 6 s each OCSP answer is delayed by 1 s, for 6 s (an overloaded responder, a slow link).
Choice: the gateway's OCSP timeout (2 s) is above the delay, so answers arrive and no one is
refused; the cost is latency. (With a timeout below the delay a hard-fail gateway would refuse
clients as ocsp_unavailable: that is ocsp-down-hard-fail's outcome.)
Cache: answers are kept 1 s (cacheTtl), so each client identity needs a fresh (slow) answer about
every 2 s; concurrent handshakes of one identity share one OCSP query and all wait for it.
Healthy: success unchanged; the whole-attempt p95 rises to around the responder's delay during
the fault and falls back after the heal.
SLOs: success >= 99.9% in baseline and >= 99% during the fault; fault-phase total.p95 >= 500ms
(the delay is measured, not hidden); recovery-phase success >= 99.9%.`,
  lab: {
    gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtl: '1s', timeout: '2s' } },
    ocspResponder: { kind: 'builtin' },
  },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '20s', timeout: '4s' },
  faults: [{ at: '6s', for: '6s', kind: 'ocsp-outage', mode: 'slow', latency: '1s' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'success.rate >= 99%', phase: 'fault' },
    { expr: 'total.p95 >= 500ms', phase: 'fault' },
    { expr: 'success.rate >= 99.9%', phase: 'recovery' },
  ],
});
