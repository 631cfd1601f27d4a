import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, validateScenario } from '../../src/scenario/index.js';
import { expectLifecycleRun, phaseRate } from '../support/lifecycle-drill.js';
import { runDrill } from '../support/run-drill.js';

describe('drill san-drift-allowlist', () => {
  it('drifted SANs get 403 forbidden from the SAN allow-list, not a TLS failure', async () => {
    const outcome = await runDrill('san-drift-allowlist', { durationMs: 16_000 });
    const result = expectLifecycleRun(outcome, 'identity-drift');
    expect(phaseRate(result, 'fault', 'forbidden')).toBeGreaterThanOrEqual(0.9);
    const tlsFailures = (['unknown_ca', 'bad_certificate', 'tls_policy', 'cert_expired'] as const).reduce(
      (total, category) => total + result.byPhase.fault!.categories[category],
      0,
    );
    expect(tlsFailures).toBe(0);
    expect(result.errorSamples.forbidden?.[0]).toMatch(/^HTTP_403/);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.98);
    expect(result.verdict).toBe('pass');
  }, 90_000);

  it('nginx cannot express a SAN allow-list: refused at validation, naming the field', () => {
    let error: unknown;
    try {
      validateScenario(
        {
          name: 'san-drift-nginx',
          description: 'x',
          lab: { gateway: { kind: 'nginx', authorization: { allowSans: ['spiffe://example.org/ns/lab/sa/client-1'] } } },
          load: { rate: '10/s', duration: '5s' },
          faults: [{ at: '1s', kind: 'identity-drift' }],
        },
        join('/tmp', 'san-drift-nginx.ts'),
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const problem = (error as ScenarioError).problems.find((item) => item.path.join('.') === 'lab.gateway.authorization');
    expect(problem?.message).toMatch(/nginx 1\.22 exposes the client subject DN/);
  });

  it('identity-drift without an allow-list is refused: nothing would check the SAN', () => {
    expect(() =>
      validateScenario(
        { name: 'drift-no-authz', description: 'x', lab: { gateway: { kind: 'node' } }, load: { rate: '10/s', duration: '5s' }, faults: [{ at: '1s', kind: 'identity-drift' }] },
        join('/tmp', 'drift-no-authz.ts'),
      ),
    ).toThrow(/lab\.gateway\.authorization/);
  });
});
