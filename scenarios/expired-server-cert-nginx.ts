import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'expired-server-cert-nginx',
  description: `nginx's certificate expires and its renewal lands 4 s late: clients refuse the server (cert_expired) until it does.
Breaks: at 6 s nginx reloads (SIGHUP, same master) its own certificate re-issued (same key and
names) with a notAfter an hour in the past; the renewed certificate reaches it 4 s later; at 14 s
the original certificate is restored (heal).
Healthy: clients fail closed on the expired server certificate (CERT_HAS_EXPIRED: cert_expired)
and never send a request to it; nginx picks the renewal up with a reload (new workers, old ones
drain), so the fault costs about half its window and nothing else.
SLOs: baseline success >= 99.9%; fault phase: cert_expired between 30% and 70% of attempts;
recovery success >= 99%.`,
  lab: { gateway: { kind: 'nginx' } },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '22s', timeout: '2s' },
  faults: [{ at: '6s', for: '8s', kind: 'expiry', target: 'server', renewal: { after: '4s' } }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.cert_expired.rate >= 30%', phase: 'fault' },
    { expr: 'category.cert_expired.rate <= 70%', phase: 'fault' },
    { expr: 'error.rate <= 70%', phase: 'fault' },
    { expr: 'success.rate >= 99%', phase: 'recovery' },
  ],
});
