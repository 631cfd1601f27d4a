import { defineScenario } from '../src/scenario/index.js';

/**
 * The capacity benchmark of the node gateway: `mtls-chaos bench scenarios/bench-node.ts` finds
 * its knee, `--matrix` compares configurations. As a drill (`run`) it is a steady 50/s.
 */
export default defineScenario({
  name: 'bench-node',
  description: `Capacity benchmark of the built-in node gateway: how many new mTLS handshakes per second it takes.
Breaks: nothing; meant for \`mtls-chaos bench scenarios/bench-node.ts [--matrix]\`, which offers
open-loop steps of new connections (full handshakes: resumption off) with an ECDSA P-256 lab PKI,
leaf <- intermediate <- root, no OCSP, TLS 1.3, and searches the highest rate at which the SLOs hold.
Run as a drill it offers a steady 50/s for 20s.
Healthy: below the knee every attempt succeeds in a few milliseconds; above it latency climbs.
SLOs: at least 99.9% of attempts succeed; handshake p95 below 100ms.`,
  pki: { algorithm: 'ecdsa-p256', clients: 4, intermediates: 1 },
  lab: { gateway: { kind: 'node' } },
  load: { rate: '50/s', duration: '20s', resumption: false },
  slos: ['success.rate >= 99.9%', 'handshake.p95 < 100ms'],
});
