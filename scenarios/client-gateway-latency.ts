import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'client-gateway-latency',
  description: `100 ms (± 20 ms) of latency each way between clients and the gateway for 6 s: the handshake slows by about two round trips' worth, and every attempt still succeeds.
Breaks: the fault proxy on the client-gateway link (lab.links), through which all load goes, holds
every chunk 100 ms ± 20 ms in each direction from 6 s to 12 s (toxic latency), as a congested WAN
path or a far-away region would. TCP connect to the local proxy is not delayed; the TLS 1.3
handshake (ClientHello up, server flight down) gains about 200 ms and the request another 200 ms.
Healthy: nothing fails: the clients' 3 s deadline is far above the added delay and the gateway does
not time out slow clients this fast; latency returns to the baseline's as soon as the toxic is gone.
SLOs: baseline success >= 99.9%; fault-phase success >= 99% (slow, not broken); fault-phase
handshake p50 >= 150ms (the delay is measured, not hidden; a floor rather than a ceiling, so a busy
machine cannot breach it); recovery-phase success >= 99%.
nginx: the link's behaviour does not depend on the gateway behind it; no separate nginx drill.`,
  lab: {
    gateway: { kind: 'node' },
    links: [{ between: 'client-gateway' }],
  },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '18s', timeout: '3s' },
  faults: [{ at: '6s', for: '6s', kind: 'network', link: 'client-gateway', toxic: 'latency', latency: '100ms', jitter: '20ms' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'success.rate >= 99%', phase: 'fault' },
    { expr: 'handshake.p50 >= 150ms', phase: 'fault' },
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
