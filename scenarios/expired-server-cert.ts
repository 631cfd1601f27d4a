import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'expired-server-cert',
  description: `The gateway's certificate expires and its renewal lands 4 s late: clients refuse the server (cert_expired) until it does.
Breaks: at 6 s the node gateway hot-reloads its own certificate re-issued (same key and names)
with a notAfter an hour in the past; the renewed certificate (valid now) reaches it 4 s later,
as from a renewal job that ran late; at 14 s the original certificate is restored (heal).
Healthy: clients verify the server and fail closed: from the expiry to the renewal every attempt
fails the client's own check (CERT_HAS_EXPIRED: cert_expired), no request is sent to an expired
server; the renewal ends the outage without a restart, so the fault costs about half its window.
SLOs: baseline success >= 99.9%; fault phase: cert_expired between 30% and 70% of attempts (the
4 s before the late renewal out of 8 s) and nothing else fails; recovery success >= 99%.`,
  lab: { gateway: { kind: 'node' } },
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
