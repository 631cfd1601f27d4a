import { defineScenario } from '../src/scenario/index.js';
import base from './root-rotation-cutover.js';

export default defineScenario({
  ...base,
  name: 'root-rotation-cutover-haproxy',
  description: `Root CA rotation behind haproxy with a hard cutover before the leaves are re-issued: every client is unknown_ca until its new certificate arrives.
Breaks: at 6 s haproxy's ca-file is cut over to a new root only (the old root removed, no
overlap; reload by SIGUSR2); the client certificates are re-issued under the new root (new
intermediate, new keys) 3 s later. Heal completes the rotation; the new PKI stays.
Healthy: this order is wrong and the harness shows what it costs: from the cutover until the new
leaves arrive every attempt gets haproxy's 495 naming unknown_ca (the old chains lead to a root
it no longer trusts: verify error 20), then success returns at once without a restart. About half
of the 6 s fault window fails; the overlap rotation (intermediate-rotation-overlap) costs nothing.
SLOs: baseline success >= 99.9%; fault phase: unknown_ca between 30% and 70% of attempts and
nothing else fails; recovery success >= 99% on the new root.`,
  lab: { ...base.lab, gateway: { kind: 'haproxy' } },
});
