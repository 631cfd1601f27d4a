import { defineScenario } from '../src/scenario/index.js';
import base from './baseline.js';

export default defineScenario({
  ...base,
  name: 'baseline-nginx',
  description: `Healthy nginx gateway (ssl_verify_client on) under steady handshake load: nothing is broken.
Breaks: nothing. The baseline drill with the local nginx binary as the gateway instead of our
node server: a lab PKI with 4 client identities, nginx verifying client certificates against the
lab CA, and 30s of open-loop load at 50 full mTLS handshakes per second plus one HTTP request each.
No OCSP here: nginx ssl_ocsp is hard-fail only, so OCSP belongs in the outage drills that show it.
Healthy: every attempt gets nginx's 200 answer (category ok); handshakes take a few milliseconds.
SLOs: at least 99.9% of attempts succeed; handshake p95 below 150ms; whole attempt p99 below 500ms.`,
  lab: { gateway: { kind: 'nginx' } },
});
