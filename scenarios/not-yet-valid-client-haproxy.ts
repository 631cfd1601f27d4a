import { defineScenario } from '../src/scenario/index.js';
import base from './not-yet-valid-client.js';

export default defineScenario({
  ...base,
  name: 'not-yet-valid-client-haproxy',
  description: `Client certificates not valid yet behind haproxy: refused with 495 and x-mtls-chaos-reason cert_not_yet_valid.
Breaks: at 6 s every client identity is swapped for the same certificate re-issued with a
notBefore one hour in the future, as handed out by a CA whose clock runs ahead; 6 s later the
valid certificates come back (heal).
Healthy: haproxy fails closed: ssl_c_verify 9 (certificate is not yet valid), answered 495
cert_not_yet_valid, never accepted, never confused with an expired or unknown certificate (with
verify required haproxy sends a bad_certificate alert, which the harness refines from the
client's own notBefore). Success returns as soon as valid certificates are used.
SLOs: baseline success >= 99.9%; fault phase: cert_not_yet_valid >= 90% and success <= 10%;
recovery.time < 3s; recovery success >= 98% (attempts already started when the heal lands still fail).`,
  lab: { ...base.lab, gateway: { kind: 'haproxy' } },
});
