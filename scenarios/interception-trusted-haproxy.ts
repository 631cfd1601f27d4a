import { defineScenario } from '../src/scenario/index.js';
import base from './interception-trusted.js';

export default defineScenario({
  ...base,
  name: 'interception-trusted-haproxy',
  description: `Clients that trust a TLS interceptor's CA are intercepted for the whole run: the haproxy gateway sees no client certificate and refuses every intercepted attempt (certificate_required).
Breaks: the lab's interceptor (lab.interceptor) sits in the clients' path from the start, relaying TCP
untouched (TLS end to end; the unmeasured warm-up goes through it so). As the load starts it
switches to intercepting, for the whole run: it terminates each client's TLS
with a certificate for the gateway's name issued by its own interception CA, and opens its own TLS
connection to the gateway, without a client certificate.
The clients trust the interception CA (clientsTrustInterceptor: true), as a fleet with an
inspection proxy's CA pushed into its trust store does.
Healthy: the clients' handshake with the interceptor succeeds (they trust its CA), but the interceptor cannot
present their certificates (it never has their keys), so haproxy sees ssl_c_used false and answers 496 naming certificate_required (x-mtls-chaos-reason). Not one intercepted attempt gets
through.
Why the whole run: attempts that overlap a fault window count in the fault phase, so with a
switch at 6 s an attempt that got its answer through the passthrough a millisecond before the
switch, but was read by a busy generator after it, would count as an intercepted success (and one
started late after a heal likewise): "no intercepted attempt got through" could only be judged up
to that race. Intercepting from the load's first attempt (the switch resets any connection still
in passthrough) makes every measured attempt an intercepted one. Heal (passthrough again, the
clients' trust restored) is proven by the interception fault's test.
SLOs: fault-phase category.ok.count == 0 (the drill passes only if every
intercepted attempt was refused); fault-phase certificate_required >= 95% (the rest: the few attempts cut by the switch
or, trusted, met before the clients' trust store gained the interception CA).`,
  lab: { ...base.lab, gateway: { kind: 'haproxy' } },
});
