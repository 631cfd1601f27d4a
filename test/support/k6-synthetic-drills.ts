import { validateScenario, type Scenario } from '../../src/scenario/index.js';

/**
 * Drills with the load shapes no built-in drill uses (the built-ins are all open-loop rates), so
 * that the k6 export of ramps and concurrency is typechecked and tested too.
 */
export function syntheticDrills(): Scenario[] {
  const lab = { gateway: { kind: 'node' } };
  return [
    validateScenario(
      {
        name: 'k6-ramp',
        description: 'A ramp through a gateway pause.',
        lab,
        load: { ramp: { from: '10/s', stages: [{ to: '100/s', over: '20s' }, { to: '0.5/s', over: '10s' }] }, timeout: '2s' },
        faults: [{ at: '5s', for: '10s', kind: 'gateway-pause' }],
        slos: ['handshake.p95 < 150ms', { expr: 'success.rate >= 99%', phase: 'recovery' }, 'gateway.cpu.p95 < 80%'],
      },
      'synthetic/k6-ramp.ts',
    ),
    validateScenario(
      {
        name: 'k6-concurrency',
        description: 'Closed loop, TLS 1.3 only, resumption on.',
        lab,
        pki: { clients: 1 },
        load: { concurrency: 8, duration: '30s', resumption: true, tls: { minVersion: 'TLSv1.3' } },
        slos: ['total.p99 < 500ms', 'attempts.rate >= 10/s'],
      },
      'synthetic/k6-concurrency.ts',
    ),
  ];
}
