import { defineScenario } from '../src/scenario/index.js';
import base from './root-rotation-cutover.js';

export default defineScenario({
  ...base,
  name: 'root-rotation-cutover-nginx',
  description: `Root CA rotation behind nginx with a hard cutover before the leaves are re-issued: every client is unknown_ca until its new certificate arrives.
Breaks: at 6 s nginx's trust bundle for client certificates is cut over to a new root
only (the old root removed, no overlap); the client certificates are re-issued under the new root
(new intermediate, new keys) 3 s later. Heal completes the rotation; the new PKI stays.
Healthy: this order is wrong and the harness shows what it costs: from the cutover until the new
leaves arrive every attempt gets nginx's 400, logged as unknown_ca (the old chains lead to a root the gateway no
longer trusts: X509_V_ERR 20), then success returns at once without a restart. About half of the
6 s fault window fails; the overlap rotation (intermediate-rotation-overlap) costs nothing.
SLOs: baseline success >= 99.9%; fault phase: unknown_ca between 30% and 70% of attempts and
nothing else fails; recovery success >= 99% on the new root.`,
  lab: { ...base.lab, gateway: { kind: 'nginx' } },
});
