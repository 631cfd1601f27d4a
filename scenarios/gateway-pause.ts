import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'gateway-pause',
  description: `The gateway hangs for 4 s (every process frozen) and comes back: clients time out, then recover at once.
Breaks: at 6 s every node-gateway process is frozen with SIGSTOP for 4 s, as in a long GC pause, a
deadlock or a CPU-starved container; the kernel still accepts TCP connections, nobody answers.
Healthy: attempts during the pause fail as handshake_timeout (1 s timeout); nothing else breaks;
once the gateway runs again success is back within a few seconds, with no lingering errors.
SLOs: baseline success >= 99.9%; during the fault most attempts time out (the harness measures the
hang rather than hiding it); recovery.time < 3s; recovery-phase success >= 95% (on thaw the gateway
first works through the handshakes queued in its listen backlog during the pause, whose clients
have already given up, so a few fresh attempts can still time out in the first second).`,
  lab: { gateway: { kind: 'node' } },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '20s', timeout: '1s' },
  faults: [{ at: '6s', for: '4s', kind: 'gateway-pause' }],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'category.handshake_timeout.rate >= 50%', phase: 'fault' },
    'recovery.time < 3s',
    { expr: 'success.rate >= 95%', phase: 'recovery' },
  ],
});
