import { defineScenario } from '../src/scenario/index.js';
import base from './stale-replicas-1-of-3.js';

export default defineScenario({
  ...base,
  name: 'stale-replicas-1-of-3-haproxy',
  description: `A client-CA rotation reaches 2 of 3 haproxy gateway replicas: about 1/3 of attempts fail, all on the stale one.
Breaks: three haproxy gateway replicas (three masters, each with its own folder, config and port)
sit behind haproxy as the TCP round-robin balancer too (TLS passes through to the replicas; its
log says which replica each client connection reached). At 6 s the
client CA rotates, in the right order (trust bundle first, then leaves), but the bundle push
reaches only gateway-haproxy-1 and gateway-haproxy-2: they trust old + new CA (reload by SIGUSR2),
then every client moves to a certificate of the new CA. gateway-haproxy-3 never reloads and keeps
the old bundle. At 14 s the push is completed (every replica gets the new bundle).
Healthy: (for this failure) the stale replica refuses the new certificates as unknown_ca and
says so (495 with x-mtls-chaos-reason and x-mtls-chaos-replica); the other two serve everyone, so
about 2/3 of attempts succeed during the fault and every failure is attributed to
gateway-haproxy-3 in the per-replica table; once every replica has the bundle, success is back at once.
A reload takes effect a moment after 6 s: the fault lasts 8 s here, as with nginx.
SLOs: baseline success >= 99.9%; during the fault success between 55% and 80% (2/3 expected:
a total outage or no effect at all both breach) with unknown_ca >= 20% of attempts;
recovery.time < 3s; recovery-phase success >= 95% (the heal is a reload of the stale replica:
its master re-executes and forks a new worker, about a second on a busy machine, during which
that replica still answers as before; measured 96-98%, where nginx's faster reload makes 99%).`,
  lab: { ...base.lab, gateway: { kind: 'haproxy', replicas: 3 }, balancer: { kind: 'haproxy' } },
  load: { ...base.load, duration: '22s' },
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'success.rate >= 55%', phase: 'fault' },
    { expr: 'success.rate <= 80%', phase: 'fault' },
    { expr: 'category.unknown_ca.rate >= 20%', phase: 'fault' },
    'recovery.time < 3s',
    { expr: 'success.rate >= 95%', phase: 'recovery' },
  ],
  faults: [{ at: '6s', for: '8s', kind: 'stale-replicas', reached: 2, what: 'trust-bundle' }],
});
