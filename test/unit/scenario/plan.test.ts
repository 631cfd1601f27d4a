import { describe, expect, it } from 'vitest';
import { describePlan, summarisePlan, validateScenario } from '../../../src/scenario/index.js';
import { validInput } from './scenario-fixtures.js';

describe('describePlan: what the run will do, without running anything', () => {
  it('names the lab components, the PKI, the load, its duration and the SLOs', () => {
    const scenario = validateScenario(
      {
        ...validInput(),
        lab: { gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtl: '0s', timeout: '500ms' }, crl: true }, ocspResponder: { kind: 'builtin' } },
        pki: { algorithm: 'rsa-2048', clients: 2 },
        load: { rate: '50/s', duration: '30s', resumption: true, path: '/health' },
        slos: ['handshake.p95 < 150ms', { expr: 'success.rate >= 99.9%', phase: 'baseline' }],
      },
      'drill.yaml',
    );
    const plan = describePlan(scenario);
    expect(plan.split('\n').map((line) => line.split(' ')[0])).toEqual(['scenario', 'lab', 'pki', 'load', 'slos', '', 'faults']);
    expect(plan).toContain('node gateway (OCSP hard-fail, cache 0ms, timeout 500ms; CRL) + builtin OCSP responder');
    expect(plan).toContain('rsa-2048: root, intermediate, server certificate valid 90d, 2 client certificates valid 1d');
    expect(plan).toContain('open loop at 50/s for 30s (1500 attempts); 2 client identities round-robin, resumption on, timeout 5s, at most 500 in flight, GET /health');
    expect(plan).toContain('handshake.p95 < 150ms (whole run)');
    expect(plan).toContain('success.rate >= 99.9% (baseline phase)');
    expect(summarisePlan(scenario)).toBe(
      'node gateway (OCSP hard-fail, cache 0ms, timeout 500ms; CRL) + builtin OCSP responder; open loop at 50/s for 30s (1500 attempts); 2 identities; 0 faults; 2 SLOs',
    );
  });

  it('describes a closed loop', () => {
    const scenario = validateScenario({ ...validInput(), lab: { gateway: { kind: 'nginx' } }, load: { concurrency: 8, duration: '2m' }, slos: [] }, 'drill.yaml');
    expect(summarisePlan(scenario)).toBe('nginx gateway; closed loop, 8 attempts in flight for 2m; 4 identities; 0 faults; 0 SLOs');
    expect(describePlan(scenario)).toContain('slos     none');
  });

  it('describes a ramp with its total length and the attempts it will offer', () => {
    const scenario = validateScenario(
      { ...validInput(), load: { ramp: { from: '0/s', stages: [{ to: '100/s', over: '10s' }, { to: '100/s', over: '20s' }] } } },
      'drill.yaml',
    );
    // 0 -> 100/s over 10s is 500 attempts, then 100/s for 20s is 2000.
    expect(summarisePlan(scenario)).toContain('open-loop ramp 0/s -> 100/s over 10s -> 100/s over 20s (30s, about 2500 attempts)');
  });
});
