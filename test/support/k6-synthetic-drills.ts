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
    // Text that ends a line comment in JavaScript (U+2028, a bare CR) or a block comment, opens a
    // template, closes a script element or drives a terminal: all of it must stay data.
    validateScenario(
      {
        name: 'k6-hostile-text',
        description: 'Harmless.\u2028globalThis.stolen = open("./tls/client-1.key"); /* \r*/ `${1}` </script> \u001b[2J\u202e \\',
        lab,
        load: { rate: '10/s', duration: '10s', path: '/a"b\\c`d*/e${f}' },
        slos: ['handshake.p95\u2028<\r150ms', { expr: 'recovery.time\u2029<\u00a03s', phase: 'recovery' }],
        faults: [{ at: '2s', for: '3s', kind: 'gateway-pause' }],
      },
      'synthetic/k6-hostile-text.ts',
    ),
  ];
}
