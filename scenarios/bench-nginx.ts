import { defineScenario } from '../src/scenario/index.js';
import base from './bench-node.js';

/** The same benchmark with the local nginx binary as the gateway (one worker process). */
export default defineScenario({
  ...base,
  name: 'bench-nginx',
  description: `Capacity benchmark of the nginx gateway (ssl_verify_client on, one worker process).
Breaks: nothing; meant for \`mtls-chaos bench scenarios/bench-nginx.ts [--matrix]\`, which offers
open-loop steps of new connections (full handshakes: resumption off) with an ECDSA P-256 lab PKI,
leaf <- intermediate <- root, no OCSP, TLS 1.3, and searches the highest rate at which the SLOs hold.
The matrix compares RSA-2048 and Ed25519 keys, chains of 1 and 3, resumption on, OCSP (hard-fail,
nginx caches answers) and TLS 1.2. Run as a drill it offers a steady 50/s for 20s.
Healthy: below the knee every attempt gets nginx's 200 in a few milliseconds; above it latency climbs.
SLOs: at least 99.9% of attempts succeed; handshake p95 below 100ms.`,
  lab: { gateway: { kind: 'nginx' } },
});
