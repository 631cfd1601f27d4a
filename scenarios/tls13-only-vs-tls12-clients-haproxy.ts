import { defineScenario } from '../src/scenario/index.js';
import base from './tls13-only-vs-tls12-clients.js';

export default defineScenario({
  ...base,
  name: 'tls13-only-vs-tls12-clients-haproxy',
  description: `haproxy goes TLS 1.3-only while the client fleet still speaks TLS 1.2 at most: every handshake fails as tls_policy.
Breaks: the load's clients offer TLS 1.2 only (load.tls.maxVersion), like an older fleet; at 6 s
haproxy's policy becomes TLS 1.3 only (bind ... ssl-min-ver TLSv1.3, reload by SIGUSR2) for 6 s,
then the default policy (TLS 1.2 and 1.3) is restored.
Healthy: the refusal is a protocol negotiation failure the client can name (protocol_version
alert: tls_policy), not a certificate error, a reset or a timeout; nothing gets through on TLS 1.2;
when the policy is rolled back, TLS 1.2 clients are served again at once.
SLOs: baseline success >= 99.9%; fault phase: tls_policy >= 90% and success <= 10%;
recovery.time < 3s; recovery success >= 90% (the reload back to the default policy takes about a
second on a busy machine to reach every new connection: measured 95%, nginx 98.75%).`,
  lab: { ...base.lab, gateway: { kind: 'haproxy' } },
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.tls_policy.rate >= 90%', phase: 'fault' },
    { expr: 'success.rate <= 10%', phase: 'fault' },
    'recovery.time < 3s',
    { expr: 'success.rate >= 90%', phase: 'recovery' },
  ],
});
