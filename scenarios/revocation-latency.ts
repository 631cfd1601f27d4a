import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'revocation-latency',
  description: `client-1 is revoked (OCSP) at 6 s behind a hard-fail node gateway with a 3 s OCSP cache: the gateway refuses it as cert_revoked within the cache TTL, and lets it back in within the TTL of the un-revocation.
Breaks: at 6 s the CA revokes client-1 (keyCompromise) and the OCSP responder answers revoked for
it; at 12 s the revocation is taken back (heal).
Cache: the gateway reuses client-1's earlier "good" answer for up to cacheTtl (3 s), so the
revocation latency (revocation -> client-1's first cert_revoked, the result's faults[0].effect) is
anywhere from ~0 to 3 s, depending on how old the cached answer was. After the heal, the cached
"revoked" answer keeps client-1 out for up to 3 s more: recovery takes up to the TTL too.
Healthy: only client-1 is refused (1 of 4 identities: at most 25% of attempts), only as
cert_revoked; the other identities are unaffected; no ocsp_unavailable at any time.
SLOs: effect.latency (the revocation latency) < 4.5s (3 s TTL + slack for a loaded machine);
fault-phase cert_revoked >= 10% (25% minus the cached part); no ocsp_unavailable in the run;
baseline success >= 99.9%; recovery.time < 5s.`,
  lab: {
    gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtl: '3s', timeout: '1s' } },
    ocspResponder: { kind: 'builtin' },
  },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '22s', timeout: '3s' },
  faults: [{ at: '6s', for: '6s', kind: 'revocation', identity: 0, via: 'ocsp' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    'effect.latency < 4.5s',
    { expr: 'category.cert_revoked.rate >= 10%', phase: 'fault' },
    { expr: 'category.cert_revoked.rate <= 25%', phase: 'fault' },
    'category.ocsp_unavailable.count == 0',
    'recovery.time < 5s',
  ],
});
