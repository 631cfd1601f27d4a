import { defineScenario } from '../src/scenario/index.js';
import base from './expired-client-cert.js';

export default defineScenario({
  ...base,
  name: 'expired-intermediate',
  description: `The issuing intermediate CA expires: every chain that carries it fails, on both sides, until it is renewed.
Breaks: at 6 s the lab intermediate is re-signed by the root with its own key and name but a
notAfter an hour in the past, and that expired intermediate is what every chain now carries: the
client identities' chains (leaf + intermediate) and the node gateway's server chain (hot reload).
The leaves themselves are untouched and valid. 6 s later the valid intermediate is back (heal).
Healthy: a chain is only as valid as its weakest link: clients check the server chain first and
refuse it as cert_expired (CERT_HAS_EXPIRED at depth 1; the gateway would refuse the client chains
the same way), never as an unknown CA or a generic error; all works again once the intermediate is valid.
SLOs: baseline success >= 99.9%; fault phase: cert_expired >= 90% and success <= 10%;
recovery.time < 3s; recovery success >= 98% (attempts already started when the heal lands still fail).`,
  faults: [{ at: '6s', for: '6s', kind: 'expiry', target: 'intermediate' }],
});
