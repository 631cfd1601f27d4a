import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'packet-loss-client-gateway',
  description: `15% packet loss each way at the gateway for 8 s (docker runtime): TCP retransmits make handshakes visibly slower (p95 up by hundreds of ms), and most still succeed.
Breaks: from 6 s to 14 s, iptables in the gateway container's own network namespace (a helper
container sharing it, Pumba-style) drops 15% of the packets to and from the gateway's port, each
way (-m statistic --mode random). The fault proxy cannot do this: it relays a TCP stream and never
sees packets, so this drill needs --runtime docker (the local runtime refuses it before starting).
TCP resends what is lost: a lost SYN or SYN-ACK after 1 s (the initial RTO), a lost data segment
after at least 200 ms (the minimum RTO), so a handshake of ~10 packets meets a retransmit often.
Healthy: slower, not broken: the clients' 5 s deadline covers two lost SYNs in a row (1 s + 2 s);
failures, if any, are handshake_timeout (or a reset), never a certificate error; latency returns to
the baseline's right after the heal.
SLOs: baseline success >= 99.9%; fault-phase success >= 85%; fault-phase handshake p95 >= 200ms
(the retransmits are measured, not hidden; a floor, so a busy machine cannot breach it);
recovery-phase success >= 99%.`,
  runtime: 'docker',
  lab: {
    gateway: { kind: 'node' },
    links: [{ between: 'client-gateway' }],
  },
  pki: { clients: 4 },
  load: { rate: '30/s', duration: '20s', timeout: '5s' },
  faults: [{ at: '6s', for: '8s', kind: 'network', link: 'client-gateway', toxic: 'loss', probability: '15%' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'success.rate >= 85%', phase: 'fault' },
    { expr: 'handshake.p95 >= 200ms', phase: 'fault' },
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
