import { expect } from 'vitest';
import type { RunOutcome } from '../../src/run/index.js';
import type { ErrorCategory } from '../../src/metrics/index.js';

/**
 * The drills of scenarios/examples that run a team's own gateway config (team-nginx.conf,
 * team-haproxy.cfg, written by hand the way production configs are, not by the lab's writer),
 * each with the built-in drill on the lab's own config it must agree with, and the categories
 * its fault may cause.
 */
export const OWN_CONFIG_DRILLS = [
  { drill: 'examples/own-nginx-ocsp-outage.yaml', builtIn: 'ocsp-down-hard-fail-nginx', faultCategories: ['ocsp_unavailable'] },
  { drill: 'examples/own-nginx-intermediate-rotation.yaml', builtIn: 'intermediate-rotation-overlap-nginx', faultCategories: [] },
  { drill: 'examples/own-haproxy-revocation-crl.yaml', builtIn: 'revocation-crl-haproxy', faultCategories: ['cert_revoked'] },
  { drill: 'examples/own-haproxy-intermediate-rotation.yaml', builtIn: 'intermediate-rotation-overlap-haproxy', faultCategories: [] },
] as const satisfies readonly { drill: string; builtIn: string; faultCategories: readonly ErrorCategory[] }[];

/**
 * What an own-config drill must show: it completed on the team's config (recorded with its hash),
 * its verdict is the built-in drill's (pass: each built-in drill's own test asserts it), and every
 * refusal is a category its fault explains.
 */
export function expectOwnConfigDrill(outcome: RunOutcome, faultCategories: readonly string[]): void {
  const { result } = outcome;
  expect(result.status).toBe('completed');
  expect(result.lab.gatewayConfig?.file).toMatch(/scenarios\/examples\/team-(nginx\.conf|haproxy\.cfg)$/);
  expect(result.lab.gatewayConfig?.sha256).toMatch(/^[0-9a-f]{64}$/);
  const failures = Object.entries(result.summary.categories)
    .filter(([category, count]) => category !== 'ok' && count > 0)
    .map(([category]) => category);
  expect(failures.filter((category) => !faultCategories.includes(category))).toEqual([]);
  expect(
    result.slos.filter((slo) => !slo.passed).map((slo) => `${slo.scope} ${slo.expression}: ${slo.measured}`),
    'every SLO of the drill, as on the built-in config',
  ).toEqual([]);
  expect(result.verdict).toBe('pass');
}
