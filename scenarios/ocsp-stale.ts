import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'ocsp-stale',
  description: `OCSP responder serves stale answers (nextUpdate an hour past) for 6 s behind a hard-fail node gateway: once the 2 s cache expires every client is refused as ocsp_unavailable; success is back at once after the heal.
Breaks: at 6 s every answer is correctly signed and says good, but its nextUpdate is an hour in the
past (a responder stuck serving pre-signed responses it can no longer refresh), for 6 s.
Cache: answers are kept for cacheTtl (2 s); a stale answer is not usable (RFC 5019 4, RFC 6960
3.2 item 5: nextUpdate must be in the future), so it is neither used nor cached.
Healthy: a hard-fail gateway refuses rather than trusts an out-of-date "good": ocsp_unavailable
only; after the heal fresh answers are accepted again at once.
Load: 20/s. Neither our gateway nor nginx caches a failed check, so once the cache is gone every
handshake makes its own OCSP request (a retry storm on the responder); at 40/s on our 2-core
machines the node gateway then fell behind (answers queued, latency climbing ~0.4 s per second).
SLOs: baseline success >= 99.9%; fault-phase ocsp_unavailable >= 50% and no client called revoked
(an outage is not a revocation); recovery.time < 5s (measured: 0-1 s; slack for a loaded machine); recovery success >= 99%.`,
  lab: {
    gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtl: '2s', timeout: '2s' } },
    ocspResponder: { kind: 'builtin' },
  },
  pki: { clients: 4 },
  load: { rate: '20/s', duration: '20s', timeout: '5s' },
  faults: [{ at: '6s', for: '6s', kind: 'ocsp-outage', mode: 'stale' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.ocsp_unavailable.rate >= 50%', phase: 'fault' },
    { expr: 'category.cert_revoked.count == 0', phase: 'fault' },
    'recovery.time < 5s',
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
