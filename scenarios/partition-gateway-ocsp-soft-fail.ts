import { defineScenario } from '../src/scenario/index.js';
import base from './partition-gateway-ocsp.js';

export default defineScenario({
  ...base,
  name: 'partition-gateway-ocsp-soft-fail',
  description: `The gateway is cut off from its OCSP responder for 6 s (soft-fail): clients keep getting in, each unchecked one waiting out the gateway's 1 s OCSP timeout.
Breaks: at 6 s the fault proxy on the gateway-ocsp link (lab.links) partitions the link for 6 s
(packets dropped both ways, mode blackhole); the responder itself stays healthy.
Healthy: with soft-fail, when no OCSP answer arrives within its 1 s timeout the gateway lets the client
in, so success holds; the price is latency: first byte rises by up to the OCSP timeout for every
handshake whose cached answer (1 s) has expired. This is the trade-off soft-fail buys: availability
during the partition, no revocation checking either (a revoked client would get in too).
SLOs: baseline success >= 99.9%; fault-phase success >= 99% (nobody refused); recovery-phase
success >= 99%.
Hard-fail: scenarios/partition-gateway-ocsp.ts. nginx has no soft-fail OCSP (ssl_ocsp is hard-fail
only), so there is no nginx variant of this drill.`,
  lab: {
    ...base.lab,
    gateway: { kind: 'node', ocsp: { mode: 'soft-fail', cacheTtl: '1s', timeout: '1s' } },
  },
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'success.rate >= 99%', phase: 'fault' },
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
