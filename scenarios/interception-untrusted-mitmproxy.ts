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
Load: 10/s for 15 s (at 40/s a busy host left mitmdump's handshakes queued into timeouts).
Why the whole run: as interception-untrusted.
SLOs: fault-phase category.ok.count == 0; fault-phase unknown_ca >= 95% (the rest: the few
attempts cut by the switch).`,
  runtime: 'docker',
  // At the builtin drills' 40/s on a busy 2-core host, mitmdump's handshakes queued (p50 up to
  // 1.8 s, our interceptor's 7-70 ms) into handshake timeouts; 10/s holds the same SLOs.
  load: { ...base.load, rate: '10/s', duration: '15s' },
  lab: { ...base.lab, interceptor: { kind: 'mitmproxy' } },
});
