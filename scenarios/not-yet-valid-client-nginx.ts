import { defineScenario } from '../src/scenario/index.js';
import base from './not-yet-valid-client.js';

export default defineScenario({
  ...base,
  name: 'not-yet-valid-client-nginx',
  description: `Client certificates not valid yet behind nginx: refused with 400, classified as cert_not_yet_valid from nginx's error log.
Breaks: at 6 s every client identity is swapped for the same certificate re-issued with a
notBefore one hour in the future, as handed out by a CA whose clock runs ahead; 6 s later the
valid certificates come back (heal). (Clock skew through libfaketime is not used: it is not
installed on our machines; the certificate itself produces the same verdict.)
Healthy: nginx fails closed: 400 "The SSL certificate error", and its error log says why
(X509_V_ERR 9), never accepted, never confused with an expired or unknown certificate; success
returns as soon as valid certificates are used.
SLOs: baseline success >= 99.9%; fault phase: cert_not_yet_valid >= 90% and success <= 10%;
recovery.time < 3s; recovery success >= 98% (attempts already started when the heal lands still fail).`,
  lab: { ...base.lab, gateway: { kind: 'nginx' } },
});
