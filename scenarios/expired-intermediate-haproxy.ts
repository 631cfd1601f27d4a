import { defineScenario } from '../src/scenario/index.js';
import base from './expired-intermediate.js';

export default defineScenario({
  ...base,
  name: 'expired-intermediate-haproxy',
  description: `The issuing intermediate CA expires behind haproxy: every chain that carries it fails, on both sides, until it is renewed.
Breaks: at 6 s the lab intermediate is re-signed by the root with its own key and name but a
notAfter an hour in the past, and that expired intermediate is what every chain now carries: the
client identities' chains (leaf + intermediate) and haproxy's server chain (reload: SIGUSR2 to the
master, which re-reads its crt file and replaces its worker). The leaves themselves are untouched
and valid. 6 s later the valid intermediate is back (heal).
Healthy: a chain is only as valid as its weakest link: clients check the server chain first and
refuse it as cert_expired (CERT_HAS_EXPIRED at depth 1; haproxy would refuse the client chains
the same way, ssl_c_ca_err 10), never as an unknown CA or a generic error; all works again once
the intermediate is valid.
SLOs: baseline success >= 99.9%; fault phase: cert_expired >= 80% and success <= 20% (the
expired chain arrives by reload, and until haproxy's new worker takes over, about a second on a
busy machine, the old one still serves the valid chain: measured 88% cert_expired);
recovery.time < 3s; recovery success >= 85% (the reload back to the valid chain likewise costs
about a second of the 8 s recovery phase: measured 94%).`,
  lab: { ...base.lab, gateway: { kind: 'haproxy' } },
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.cert_expired.rate >= 80%', phase: 'fault' },
    { expr: 'success.rate <= 20%', phase: 'fault' },
    'recovery.time < 3s',
    { expr: 'success.rate >= 85%', phase: 'recovery' },
  ],
});
