import { defineScenario } from '../src/scenario/index.js';
import base from './expired-client-cert.js';

export default defineScenario({
  ...base,
  name: 'expired-client-cert-haproxy',
  description: `Every client certificate expires mid-run behind haproxy: refused with 495 and x-mtls-chaos-reason cert_expired.
Breaks: at 6 s every client identity is swapped for the same certificate (same key, subject and
SPIFFE ID) re-issued with a notAfter an hour in the past; 6 s later the valid ones come back.
Healthy: haproxy fails closed: with verify optional it completes the handshake, sees
ssl_c_verify 10 (certificate has expired) and answers 495 naming cert_expired (with verify
required it would send a certificate_expired alert: the same category). Success returns as soon
as valid certificates are used again.
SLOs: baseline success >= 99.9%; fault phase: cert_expired >= 90% and success <= 10%;
recovery.time < 3s; recovery success >= 98% (attempts already started when the heal lands still fail).`,
  lab: { ...base.lab, gateway: { kind: 'haproxy' } },
});
