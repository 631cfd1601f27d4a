import { defineScenario } from '../src/scenario/index.js';
import base from './partition-gateway-ocsp.js';

export default defineScenario({
  ...base,
  name: 'partition-gateway-ocsp-nginx',
  description: `nginx (ssl_ocsp, hard-fail only) is cut off from its OCSP responder for 6 s: once its cached answers reach their nextUpdate (3 s) every client is refused as ocsp_unavailable, and success returns after the heal.
Breaks: at 6 s the fault proxy on the gateway-ocsp link (lab.links) partitions the link for 6 s.
Mode refuse (nothing listens: connection refused): nginx's own wait for an OCSP responder that
never answers is not ours to set, so a dropped-packet partition would show up as the clients'
timeouts instead of nginx's verdict; a refused connection gets nginx's verdict at once.
Cache: nginx keeps an answer in ssl_ocsp_cache until its nextUpdate (no TTL knob); the lab
responder's answers are valid for 3 s (lab.ocspResponder.validity), so the cache runs out within
3 s of the partition.
Healthy: nginx fails closed: refusals are ocsp_unavailable (its log: "certificate status request
failed"), nothing else; after the heal the next handshake gets a fresh answer.
SLOs: baseline success >= 99.9%; fault-phase ocsp_unavailable >= 40% (6 s minus at most 3 s of
cache); recovery.time < 5s; recovery-phase success >= 99%.`,
  lab: {
    ...base.lab,
    gateway: { kind: 'nginx', ocsp: { mode: 'hard-fail' } },
    ocspResponder: { kind: 'builtin', validity: '3s' },
  },
  faults: [{ at: '6s', for: '6s', kind: 'network', link: 'gateway-ocsp', toxic: 'partition', mode: 'refuse' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.ocsp_unavailable.rate >= 40%', phase: 'fault' },
    'recovery.time < 5s',
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
