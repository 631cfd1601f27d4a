import { defineScenario } from '../src/scenario/index.js';
import base from './ocsp-down-hard-fail.js';

export default defineScenario({
  ...base,
  name: 'ocsp-down-hard-fail-openssl',
  description: `ocsp-down-hard-fail with a real \`openssl ocsp\` as the responder: it stops for 6 s behind a hard-fail node gateway; success falls to ~0 once the 2 s cache expires, and recovers at once after the heal.
Breaks: at 6 s the responder stops listening (connections refused) for 6 s: locally the relay in
front of openssl closes its 127.0.0.1 socket; in docker the openssl process is stopped and its
container's shell keeps it stopped. On heal it listens again on the same URL.
Responder: locally, openssl in a network namespace of its own (its -port binds every interface)
behind a relay on 127.0.0.1 (needs root or user namespaces, unshare and ip); with --runtime docker,
the mtls-chaos/openssl-ocsp image.
Cache: for up to 2 s (cacheTtl) after the outage begins attempts still succeed on cached answers;
after that every handshake asks the responder, fails, and the hard-fail gateway refuses the client.
Healthy: refusals are ocsp_unavailable (fail closed, never let in unchecked); no other category;
success is back within a second or two of the heal.
SLOs: baseline success >= 99.9%; fault-phase ocsp_unavailable >= 50%; recovery.time < 5s;
recovery-phase success >= 99%.`,
  lab: { ...base.lab, ocspResponder: { kind: 'openssl' } },
});
