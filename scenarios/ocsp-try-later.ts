import { defineScenario } from '../src/scenario/index.js';
import base from './ocsp-stale.js';

export default defineScenario({
  ...base,
  name: 'ocsp-try-later',
  description: `OCSP responder answers tryLater for 6 s behind a hard-fail node gateway: once the 2 s cache expires every client is refused as ocsp_unavailable; success is back at once after the heal.
Breaks: at 6 s the responder answers every request with the OCSP error status tryLater (RFC 6960
4.2.1: "try again later", e.g. a responder that lost its signing backend), for 6 s.
Cache: answers are kept for cacheTtl (2 s); tryLater carries no certificate status, is never
cached, and a hard-fail gateway treats it as "no usable answer".
Healthy: refusals are ocsp_unavailable only (the responder is up, so no connection errors, and
no client is called revoked); after the heal the next handshake gets a fresh good answer.
Load: 20/s. Neither our gateway nor nginx caches a failed check, so once the cache is gone every
handshake makes its own OCSP request (a retry storm on the responder); at 40/s on our 2-core
machines the node gateway then fell behind (answers queued, latency climbing ~0.4 s per second).
SLOs: baseline success >= 99.9%; fault-phase ocsp_unavailable >= 50% (6 s minus at most 2 s of
cache) and no client called revoked (an outage is not a revocation); recovery.time < 5s (measured: 0-1 s; slack for a loaded machine); recovery success >= 99%.`,
  faults: [{ at: '6s', for: '6s', kind: 'ocsp-outage', mode: 'try-later' }],
});
