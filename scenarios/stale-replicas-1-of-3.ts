import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'stale-replicas-1-of-3',
  description: `A client-CA rotation reaches 2 of 3 node gateway replicas: about 1/3 of attempts fail, all on the stale one.
Breaks: three node gateway replicas sit behind the built-in TCP round-robin balancer (TLS passes
through to the replicas). At 6 s the client CA rotates, in the right order (trust bundle first,
then leaves), but the bundle push reaches only gateway-node-1 and gateway-node-2: they trust old
+ new CA, then every client moves to a certificate of the new CA. gateway-node-3 keeps the old
bundle. At 12 s the push is completed (every replica gets the new bundle).
Healthy: (for this failure) the stale replica refuses the new certificates as unknown_ca and
says so; the other two serve everyone, so about 2/3 of attempts succeed during the fault and
every failure is attributed to gateway-node-3 in the per-replica table; once every replica has
the bundle, success is back at once.
SLOs: baseline success >= 99.9%; during the fault success between 55% and 80% (2/3 expected:
a total outage or no effect at all both breach) with unknown_ca >= 20% of attempts;
recovery.time < 3s; recovery-phase success >= 99%.`,
  lab: { gateway: { kind: 'node', replicas: 3 }, balancer: { kind: 'builtin' } },
  pki: { clients: 4 },
  load: { rate: '45/s', duration: '20s', timeout: '2s' },
  faults: [{ at: '6s', for: '6s', kind: 'stale-replicas', reached: 2, what: 'trust-bundle' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'success.rate >= 55%', phase: 'fault' },
    { expr: 'success.rate <= 80%', phase: 'fault' },
    { expr: 'category.unknown_ca.rate >= 20%', phase: 'fault' },
    'recovery.time < 3s',
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
