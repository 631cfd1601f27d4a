import { defineScenario } from '../src/scenario/index.js';
import base from './interception-untrusted.js';

export default defineScenario({
  ...base,
  name: 'interception-untrusted-mitmproxy',
  description: `Clients that do not trust mitmproxy's interception CA are intercepted for the whole run: they refuse its certificate (unknown_ca) and no attempt reaches the node gateway. Docker runtime.
Breaks: the lab's interceptor is mitmproxy (mitmdump from Debian, in its own container, with our
addon), in the clients' path from the start and ignoring every connection (TCP relayed untouched,
TLS end to end; the unmeasured warm-up goes through it so). As the load starts the addon switches
it to intercepting, for the whole run: mitmdump terminates each client's TLS with a certificate for
the gateway's name issued by the interception CA (sent alone, without the CA).
The clients trust only the lab root (clientsTrustInterceptor: false).
Healthy: the clients cannot build a path from mitmproxy's certificate to the lab root
(UNABLE_TO_VERIFY_LEAF_SIGNATURE) and abort the handshake: unknown_ca, decided by the clients
before the gateway is involved (mitmdump dials the gateway only after the client's handshake).
Not one intercepted attempt gets through.
Load: 10/s for 15 s (mitmdump needs ~10x the builtin interceptor's CPU per connection).
Why the whole run: as interception-untrusted.
SLOs: fault-phase category.ok.count == 0; fault-phase unknown_ca >= 95% (the rest: the few
attempts cut by the switch).`,
  runtime: 'docker',
  // mitmdump spends ~10x our interceptor's CPU per intercepted connection (Python; measured ~11 ms),
  // and containers share Docker's one cgroup: 40/s backed up into handshake timeouts on a busy host.
  load: { ...base.load, rate: '10/s', duration: '15s' },
  lab: { ...base.lab, interceptor: { kind: 'mitmproxy' } },
});
