import { defineScenario } from '../src/scenario/index.js';
import base from './revocation-latency.js';

export default defineScenario({
  ...base,
  name: 'revocation-latency-openssl',
  description: `revocation-latency with a real \`openssl ocsp\` as the responder: client-1 is revoked at 6 s behind a hard-fail node gateway with a 3 s OCSP cache and refused as cert_revoked within the cache TTL.
Breaks: at 6 s the CA revokes client-1 (keyCompromise) and the responder's index.txt (the OpenSSL
CA database it answers from) is rewritten with client-1's row as R; openssl ocsp re-reads a changed
index before its next answer, so it says revoked at once. At 12 s the row is valid again (heal).
Responder: locally, openssl in a network namespace of its own (its -port binds every interface)
behind a relay on 127.0.0.1 (needs root or user namespaces, unshare and ip); with --runtime docker,
the mtls-chaos/openssl-ocsp image. Answers valid 1 h (-nmin 60).
Cache: the gateway reuses client-1's earlier "good" answer for up to cacheTtl (3 s), so the
revocation latency (revocation -> client-1's first cert_revoked, faults[0].effect) is 0 to 3 s.
Healthy: only client-1 is refused (1 of 4 identities: at most 25% of attempts), only as
cert_revoked; no ocsp_unavailable at any time.
SLOs: effect.latency < 4.5s (3 s TTL + slack for a loaded machine); fault-phase cert_revoked
between 10% and 25%; no ocsp_unavailable in the run; baseline success >= 99.9%; recovery.time < 5s.`,
  lab: { ...base.lab, ocspResponder: { kind: 'openssl' } },
});
