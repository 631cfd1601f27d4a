import { defineScenario } from '../src/scenario/index.js';
import base from './expired-server-cert.js';

export default defineScenario({
  ...base,
  name: 'expired-server-cert-haproxy',
  description: `haproxy's certificate expires and its renewal lands 4 s late: clients refuse the server (cert_expired) until it does.
Breaks: at 6 s haproxy reloads (SIGUSR2 to the master: same master, new worker) its own
certificate re-issued (same key and names) with a notAfter an hour in the past; the renewed
certificate reaches it 4 s later; at 14 s the original certificate is restored (heal).
Healthy: clients fail closed on the expired server certificate (CERT_HAS_EXPIRED: cert_expired)
and never send a request to it; haproxy picks the renewal up with a reload (a new worker, the old
one finishing its connections), so the fault costs about half its window and nothing else.
SLOs: baseline success >= 99.9%; fault phase: cert_expired between 30% and 70% of attempts;
recovery success >= 99%.`,
  lab: { ...base.lab, gateway: { kind: 'haproxy' } },
});
