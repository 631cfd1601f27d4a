import { defineScenario } from '../src/scenario/index.js';
import base from './expired-intermediate.js';

export default defineScenario({
  ...base,
  name: 'expired-intermediate-nginx',
  description: `The issuing intermediate CA expires behind nginx: every chain that carries it fails, on both sides, until it is renewed.
Breaks: at 6 s the lab intermediate is re-signed by the root with its own key and name but a
notAfter an hour in the past, and that expired intermediate is what every chain now carries: the
client identities' chains (leaf + intermediate) and nginx's server chain (reload: SIGHUP, same master).
The leaves themselves are untouched and valid. 6 s later the valid intermediate is back (heal).
Healthy: a chain is only as valid as its weakest link: clients check the server chain first and
refuse it as cert_expired (CERT_HAS_EXPIRED at depth 1; the gateway would refuse the client chains
the same way), never as an unknown CA or a generic error; all works again once the intermediate is valid.
SLOs: baseline success >= 99.9%; fault phase: cert_expired >= 85% and success <= 15% (the swap-in
is a reload too: on a busy machine new connections reach the new chain up to a second late, 89.5% seen);
recovery.time < 3s; recovery success >= 90% (nginx's reload back to the valid chain takes up to
a second to reach every new connection: measured 98% in the recovery phase, 93.8% on a busy machine).`,
  lab: { ...base.lab, gateway: { kind: 'nginx' } },
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.cert_expired.rate >= 85%', phase: 'fault' },
    { expr: 'success.rate <= 15%', phase: 'fault' },
    'recovery.time < 3s',
    { expr: 'success.rate >= 90%', phase: 'recovery' },
  ],
});
