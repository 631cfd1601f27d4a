import { defineScenario } from '../src/scenario/index.js';

export default defineScenario({
  name: 'command-reload-nginx',
  description: `Five nginx reloads in a row under load, run by the team's own script (a command fault): no handshake may fail.
Breaks: at 5 s the command fault runs scenarios/scripts/nginx-reload.sh, which sends SIGHUP to the
nginx master five times, a second apart, as a deploy pipeline does on every config or certificate
change (nginx -s reload); its heal reloads once more, as a pipeline restoring the known-good config.
Healthy: each reload is graceful: new workers take new connections, old workers finish the ones
they hold; clients see nothing but, at most, a slower handshake while workers start.
SLOs: success >= 99.9% before, >= 99% during the reloads and >= 99.9% after; the handshake p95
during the reloads stays under 250 ms. The script's exit code, duration and output are in the
report; if the reload script failed, the fault is marked failed, and a failed heal exits 2.`,
  lab: { gateway: { kind: 'nginx' } },
  pki: { clients: 4 },
  load: { rate: '40/s', duration: '18s', timeout: '2s' },
  faults: [
    {
      at: '5s',
      for: '7s',
      kind: 'command',
      inject: 'sh scripts/nginx-reload.sh 5 1',
      heal: 'sh scripts/nginx-reload.sh 1',
      timeout: '20s',
    },
  ],
  slos: [
    { expr: 'success.rate >= 99.9%', phase: 'baseline' },
    { expr: 'success.rate >= 99%', phase: 'fault' },
    { expr: 'handshake.p95 < 250ms', phase: 'fault' },
    { expr: 'success.rate >= 99.9%', phase: 'recovery' },
  ],
});
