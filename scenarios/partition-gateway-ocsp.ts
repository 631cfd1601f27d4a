import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'partition-gateway-ocsp',
  description: `The gateway is cut off from its OCSP responder for 6 s (hard-fail): once the 1 s cache expires every client is refused as ocsp_unavailable, and success returns right after the heal.
Breaks: at 6 s the fault proxy on the gateway-ocsp link (lab.links) partitions the link for 6 s:
packets are dropped both ways (mode blackhole), so the gateway's OCSP queries, on new and already
open connections, get no answer at all; the responder itself is healthy and never notices.
On --runtime docker the partition is iptables DROP in the gateway container's own network
namespace (its packets to and from the proxy's container), not the proxy: same outcome.
Cache: the gateway keeps each client's "good" answer for 1 s (cacheTtl); after that each handshake
asks, waits its 1 s OCSP timeout, and the hard-fail gateway refuses the client.
Healthy: refusals are ocsp_unavailable only (fail closed, never let in unchecked), no timeouts of
the clients' own (their 3 s deadline outlasts the gateway's 1 s OCSP timeout); after the heal the
next query gets through and success is back within a second or two.
SLOs: baseline success >= 99.9%; fault-phase ocsp_unavailable >= 60% (6 s minus at most 1 s of
cache); recovery.time < 5s; recovery-phase success >= 99%.
Soft-fail: scenarios/partition-gateway-ocsp-soft-fail.ts. nginx: scenarios/partition-gateway-ocsp-nginx.ts.`,
  lab: {
    gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtl: '1s', timeout: '1s' } },
    ocspResponder: { kind: 'builtin' },
    links: [{ between: 'gateway-ocsp' }],
  },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '20s', timeout: '3s' },
  faults: [{ at: '6s', for: '6s', kind: 'network', link: 'gateway-ocsp', toxic: 'partition', mode: 'blackhole' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.ocsp_unavailable.rate >= 60%', phase: 'fault' },
    'recovery.time < 5s',
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
