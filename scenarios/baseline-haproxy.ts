import { defineScenario } from '../src/scenario/index.js';
import base from './baseline.js';

export default defineScenario({
  ...base,
  name: 'baseline-haproxy',
  description: `Healthy haproxy gateway (master-worker, crt + ca-file) under steady handshake load: nothing is broken.
Breaks: nothing. The baseline drill with the local haproxy binary as the gateway instead of our
node server: a lab PKI with 4 client identities, haproxy verifying client certificates against the
lab CA (verify optional, refusals answered in HTTP with the reason), and 30s of open-loop load at
50 full mTLS handshakes per second plus one HTTP request each, answered by haproxy itself.
No OCSP here: haproxy checks client certificates against CRLs only.
Healthy: every attempt gets haproxy's 200 answer (category ok); handshakes take a few milliseconds.
SLOs: at least 99.9% of attempts succeed; handshake p95 below 150ms; whole attempt p99 below 500ms.`,
  lab: { gateway: { kind: 'haproxy' } },
});
