import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'tls-termination-drops-identity',
  description: `TLS is terminated in front of the gateway for the whole run and the client certificate is not forwarded: the node gateway's plain-HTTP backend must refuse every request (496 certificate_required).
Breaks: the lab's TLS terminator (lab.tlsTerminator) sits in the clients' path from the start, relaying TCP
untouched (mTLS end to end; the unmeasured warm-up goes through it so). As the load starts it
switches to terminating, for the whole run: it ends each client's mTLS itself (the lab's server
certificate for the gateway's name; client certificates verified against the lab trust bundle), and
forwards each request as plain HTTP to the gateway's backend listener, without the client's identity
(forwardClientCert: false), as a TLS-offloading load balancer without "forward client certificate"
configured does.
Healthy: the clients' handshakes succeed (the terminator has the real certificate and trusts their CA), but
the backend sees a request without an x-ssl-client-cert header and answers 496 certificate_required
(x-mtls-chaos-reason); a header that is unsigned, badly signed (HMAC-SHA256 with a per-run secret
shared only by terminator and gateway) or not chaining to the gateway's trust bundle would get 403
forbidden. Not one request gets through without a verified identity.
Why the whole run: attempts that overlap a fault window count in the fault phase, so an attempt
answered through the passthrough just before the switch but read by a busy generator after it would
count as a success of the fault phase (the interception drills' finding). Terminating from the load's
first attempt (the switch resets any connection still in passthrough) makes every measured attempt a
terminated one; so there is no baseline or recovery phase to hold SLOs. The heal (passthrough again,
success back) and the forwarding case (forwardClientCert: true: signed identity accepted, success
holds) are proven by the tls-termination drill test.
nginx: no -nginx variant. nginx can forward $ssl_client_escaped_cert, but as the backend it cannot verify an
HMAC-signed identity header without njs or lua, so it cannot play the backend that must refuse what it
cannot verify.
SLOs: fault-phase category.ok.count == 0 (the drill passes only if no request got through without an
identity); fault-phase certificate_required >= 95% (the rest: the few attempts cut by the switch).`,
  lab: {
    gateway: { kind: 'node' },
    tlsTerminator: { kind: 'builtin' },
  },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '8s', timeout: '3s' },
  faults: [{ at: '0s', kind: 'tls-termination', forwardClientCert: false }],
  slos: [
    { expr: 'category.ok.count == 0', phase: 'fault' },
    { expr: 'category.certificate_required.rate >= 95%', phase: 'fault' },
  ],
});
