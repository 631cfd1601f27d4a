import { defineScenario } from '../src/scenario/index.js';
import base from './interception-trusted.js';

export default defineScenario({
  ...base,
  name: 'interception-trusted-mitmproxy',
  description: `Clients that trust mitmproxy's interception CA are intercepted for the whole run: the node gateway sees no client certificate and refuses every intercepted attempt (certificate_required). Docker runtime.
Breaks: the lab's interceptor is mitmproxy (mitmdump from Debian, in its own container, with our
addon), in the clients' path from the start and ignoring every connection (TCP relayed untouched,
TLS end to end; the unmeasured warm-up goes through it so). As the load starts the addon switches
it to intercepting, for the whole run: mitmdump terminates each client's TLS with a certificate for
the gateway's name issued by the interception CA, and opens its own TLS connection to the gateway's
container, without a client certificate.
The clients trust the interception CA (clientsTrustInterceptor: true), as a fleet with an
inspection proxy's CA pushed into its trust store does.
Healthy: the clients' handshake with mitmproxy succeeds, but it cannot present their certificates
(it never has their keys), so the gateway sees a TLS client without a certificate and answers 496
certificate_required (x-mtls-chaos-reason), which mitmproxy relays. Not one intercepted attempt
gets through.
Load: 10/s for 15 s (at 40/s a busy host left mitmdump's handshakes queued into timeouts).
Why the whole run: as interception-trusted (the switch resets any connection still passed through,
so every measured attempt is an intercepted one).
SLOs: fault-phase category.ok.count == 0; fault-phase certificate_required >= 95% (the rest: the
few attempts cut by the switch or met before the clients' trust store gained the interception CA).`,
  runtime: 'docker',
  // At the builtin drills' 40/s on a busy 2-core host, mitmdump's handshakes queued (p50 up to
  // 1.8 s, our interceptor's 7-70 ms) into handshake timeouts; 10/s holds the same SLOs.
  load: { ...base.load, rate: '10/s', duration: '15s' },
  lab: { ...base.lab, interceptor: { kind: 'mitmproxy' } },
});
