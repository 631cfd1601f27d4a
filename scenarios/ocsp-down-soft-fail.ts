import { defineScenario } from '../src/scenario/index.js';
import base from './ocsp-down-hard-fail.js';

export default defineScenario({
  ...base,
  name: 'ocsp-down-soft-fail',
  description: `OCSP responder down for 6 s behind a soft-fail node gateway: clients keep getting in (success stays ~100%), unchecked, until the responder is back.
Breaks: at 6 s the OCSP responder stops listening (connections refused) for 6 s; on heal it listens
again on the same URL.
Cache: answers are kept for cacheTtl (2 s); once they expire every handshake asks the responder,
gets "connection refused" and, soft-fail, lets the client in without a revocation check. That is
the soft-fail trade: availability kept, revocation not enforced for the length of the outage.
Healthy: nothing fails at all; no ocsp_unavailable (that is the hard-fail answer).
Load: 20/s. A failed check is not cached, so during the outage every handshake builds an OCSP
request and tries the responder; on a busy 2-core machine 40/s then outran the gateway (queued
answers, timeouts) and muddied what this drill is about.
SLOs: success >= 99.9% in every phase; no ocsp_unavailable in the fault phase.
nginx cannot express this drill: ssl_ocsp is hard-fail only (no soft-fail mode), so there is no
-nginx variant; ocsp-down-hard-fail-nginx shows what nginx does instead.`,
  lab: {
    ...base.lab,
    gateway: { kind: 'node', ocsp: { mode: 'soft-fail', cacheTtl: '2s', timeout: '2s' } },
  },
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'success.rate >= 99.9%', phase: 'fault' },
    { expr: 'category.ocsp_unavailable.count == 0', phase: 'fault' },
    { expr: 'success.rate >= 99.9%', phase: 'recovery' },
  ],
});
