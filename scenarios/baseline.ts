import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'baseline',
  description: `Healthy node gateway with OCSP soft-fail under steady handshake load: nothing is broken.
Breaks: nothing. This drill is the reference every other drill is compared with: a lab PKI with
4 client identities, our node gateway checking client certificates against our own OCSP responder
(soft-fail, answers cached 60s), and 30s of open-loop load at 50 new mTLS handshakes per second,
each attempt a full handshake (resumption off) plus one HTTP request. 50/s is far below what one
2-core machine sustains with the load generator and the gateway sharing it, so the numbers measure
a healthy lab, not our own limit.
Healthy: every attempt succeeds (category ok), handshakes take a few milliseconds on loopback.
SLOs: at least 99.9% of attempts succeed; handshake p95 below 150ms; whole attempt p99 below 500ms.`,
  lab: {
    gateway: { kind: 'node', ocsp: { mode: 'soft-fail', cacheTtl: '60s', timeout: '2s' } },
    ocspResponder: { kind: 'builtin' },
  },
  pki: { algorithm: 'ecdsa-p256', clients: 4 },
  load: { rate: '50/s', duration: '30s', identities: 4, resumption: false, timeout: '5s' },
  slos: ['success.rate >= 99.9%', 'handshake.p95 < 150ms', 'total.p99 < 500ms'],
});
