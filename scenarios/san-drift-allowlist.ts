import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'san-drift-allowlist',
  description: `Rotated client certificates come out with a different SPIFFE ID: the SAN allow-list refuses them with 403, not a TLS error.
Breaks: the node gateway lets in only spiffe://example.org/ns/lab/sa/client-1..4 (a SAN
allow-list). At 6 s every client certificate is re-issued by the same trusted intermediate, valid,
but with the SAN spiffe://drifted.example.org/ns/lab/sa/client-N (a renamed trust domain in the
issuing template); 6 s later the original certificates come back (heal).
Healthy: TLS stays healthy (the certificates verify), authorization says no: every drifted
identity gets 403 with reason forbidden; no drifted identity gets through; no TLS failure is
reported for what is an authorization decision. nginx cannot express this drill: its variables
expose the client's subject DN, not its SANs (no -nginx variant).
SLOs: baseline success >= 99.9%; fault phase: forbidden >= 90% and success <= 10%;
recovery.time < 3s; recovery success >= 98% (attempts already started when the heal lands still fail).`,
  lab: {
    gateway: {
      kind: 'node',
      authorization: {
        allowSans: [
          'spiffe://example.org/ns/lab/sa/client-1',
          'spiffe://example.org/ns/lab/sa/client-2',
          'spiffe://example.org/ns/lab/sa/client-3',
          'spiffe://example.org/ns/lab/sa/client-4',
        ],
      },
    },
  },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '20s', timeout: '2s' },
  faults: [{ at: '6s', for: '6s', kind: 'identity-drift', san: 'spiffe://drifted.example.org/ns/lab/sa/{name}' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.forbidden.rate >= 90%', phase: 'fault' },
    { expr: 'success.rate <= 10%', phase: 'fault' },
    'recovery.time < 3s',
    { expr: 'success.rate >= 98%', phase: 'recovery' },
  ],
});
