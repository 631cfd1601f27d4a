import { defineScenario } from '../src/scenario/index.js';
import base from './expired-client-cert.js';

export default defineScenario({
  ...base,
  name: 'expired-client-cert-nginx',
  description: `Every client certificate expires mid-run behind nginx: refused with 400, classified cert_expired from nginx's error log.
Breaks: at 6 s every client identity is swapped for the same certificate (same key, subject and
SPIFFE ID) re-issued with a notAfter an hour in the past; 6 s later the valid ones come back.
Healthy: nginx (ssl_verify_client on) fails closed: it completes the handshake and answers 400
"The SSL certificate error" to every attempt, logging "client SSL certificate verify error:
(10:certificate has expired)"; the harness reads the log, so the refusals count as cert_expired,
not as an unexplained 400. Success returns as soon as valid certificates are used again.
SLOs: baseline success >= 99.9%; fault phase: cert_expired >= 90% and success <= 10%;
recovery.time < 3s; recovery success >= 98% (attempts already started when the heal lands still fail).`,
  lab: { ...base.lab, gateway: { kind: 'nginx' } },
});
