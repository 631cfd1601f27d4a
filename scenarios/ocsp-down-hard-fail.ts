import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'ocsp-down-hard-fail',
  description: `OCSP responder down for 6 s behind a hard-fail node gateway: success falls to ~0 once the 2 s cache expires, and recovers at once after the heal.
Breaks: at 6 s the OCSP responder stops listening (connections refused) for 6 s; on heal it listens
again on the same URL, the one the gateway is configured with.
Cache: the gateway keeps each client's "good" answer for cacheTtl (2 s), so for up to 2 s after the
outage begins attempts still succeed on cached answers; after that every handshake asks the
responder, gets "connection refused", and the hard-fail gateway refuses the client.
Healthy: refusals are ocsp_unavailable (fail closed, never let in unchecked); no other category;
the first handshake after the heal gets a fresh answer, so success is back within a second or two.
Load: 20/s. A failed check is not cached, so during the outage every handshake builds an OCSP
request and tries the responder; on a busy 2-core machine 40/s then outran the gateway (queued
answers, timeouts) and muddied what this drill is about.
SLOs: baseline success >= 99.9%; fault-phase ocsp_unavailable >= 50% (a 6 s outage minus at most
2 s of cache: 80-90% measured); recovery.time < 5s (measured: 0-1 s; slack for a loaded machine); recovery-phase success >= 99%.
nginx: scenarios/ocsp-down-hard-fail-nginx.ts (nginx has no cache TTL: its cache lasts until the
answer's nextUpdate).`,
  lab: {
    gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtl: '2s', timeout: '2s' } },
    ocspResponder: { kind: 'builtin' },
  },
  pki: { clients: 4 },
  load: { rate: '20/s', duration: '20s', timeout: '5s' },
  faults: [{ at: '6s', for: '6s', kind: 'ocsp-outage', mode: 'down' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.ocsp_unavailable.rate >= 50%', phase: 'fault' },
    'recovery.time < 5s',
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
