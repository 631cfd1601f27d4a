import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../../src/scenario/index.js';
import { problemLines, validInput } from './scenario-fixtures.js';

type Mutable = Record<string, any>;

function problemsOf(change: (input: Mutable) => void): string[] {
  const input = validInput() as Mutable;
  change(input);
  return problemLines(input);
}

describe('lab.links and lab.interceptor', () => {
  it('reach the LabSpec', () => {
    const input = validInput() as Mutable;
    input.lab = { gateway: { kind: 'node' }, links: [{ between: 'client-gateway' }], interceptor: { kind: 'builtin' } };
    const scenario = validateScenario(input, 'drill.yaml');
    expect(scenario.lab.links).toEqual([{ between: 'client-gateway' }]);
    expect(scenario.lab.interceptor).toEqual({ kind: 'builtin' });
  });

  it('refuse an unknown link, a link named twice, gateway-ocsp without a responder', () => {
    expect(problemsOf((input) => (input.lab.links = [{ between: 'gateway-db' }]))[0]).toMatch(/^lab\.links\.0\.between: expected one of "client-gateway", "gateway-ocsp"/);
    expect(problemsOf((input) => (input.lab.links = [{ between: 'client-gateway' }, { between: 'client-gateway' }]))).toEqual([
      'lab.links.1.between: expected each link once, got "client-gateway" twice',
    ]);
    expect(problemsOf((input) => (input.lab.links = [{ between: 'gateway-ocsp' }]))).toEqual([
      'lab.links.0.between: the gateway-ocsp link needs lab.ocspResponder: add ocspResponder: { kind: builtin }',
    ]);
  });

  it('a network fault on a link the lab does not have names lab.links', () => {
    const problems = problemsOf((input) => (input.faults = [{ at: '1s', for: '1s', kind: 'network', link: 'client-gateway', toxic: 'reset' }]));
    expect(problems).toEqual([
      'faults.0.kind: fault network needs lab.links to include { between: client-gateway } (the fault proxy it acts through); add links: [{ between: client-gateway }] to lab',
    ]);
  });

  it('an interception fault without an interceptor names lab.interceptor', () => {
    const problems = problemsOf((input) => (input.faults = [{ at: '1s', kind: 'interception', clientsTrustInterceptor: true }]));
    expect(problems[0]).toMatch(/^faults\.0\.kind: fault interception needs lab\.interceptor/);
  });
});
