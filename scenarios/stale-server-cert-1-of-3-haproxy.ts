import { defineScenario } from '../src/scenario/index.js';
import base from './stale-server-cert-1-of-3.js';

export default defineScenario({
  ...base,
  name: 'stale-server-cert-1-of-3-haproxy',
  description: `A server-certificate rotation reaches 2 of 3 haproxy gateway replicas: clients refuse the stale one, about 1/3 of attempts.
Breaks: three haproxy gateway replicas (three masters, each with its own folder and port) sit
behind haproxy as the TCP round-robin balancer too (TLS passes through to the replicas; its
log says which replica each client connection reached). At 6 s the
server certificate rotates to a new CA: the clients trust old + new for a moment,
gateway-haproxy-1 and gateway-haproxy-2 switch to the new certificate (reload by SIGUSR2), then
the clients retire the old CA. gateway-haproxy-3 never got the new certificate and still serves
the old one. At 14 s the rollout is completed (every replica serves the new certificate).
Healthy: (for this failure) clients refuse the stale replica's certificate in the handshake
(unknown_ca, decided by the client: the replica never answers, so the failure is attributed to
gateway-haproxy-3 through the balancer's record of which replica each client connection reached);
the other two serve everyone, so about 2/3 of attempts succeed during the fault; once every
replica serves the new certificate, success is back at once.
SLOs: baseline success >= 99.9%; during the fault success between 55% and 80% (2/3 expected)
with unknown_ca >= 20% of attempts; recovery.time < 3s; recovery-phase success >= 95% (the heal is a reload of the stale replica:
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
  faults: [{ at: '6s', for: '8s', kind: 'stale-replicas', reached: 2, what: 'server-certificate' }],
});
