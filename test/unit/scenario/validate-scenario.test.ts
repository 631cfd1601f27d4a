import { describe, expect, it } from 'vitest';
import { ScenarioError, validateScenario } from '../../../src/scenario/index.js';
import { validationError, validInput } from './scenario-fixtures.js';

type Mutable = Record<string, any>;

/** Validates a changed copy of the valid input and returns the error it must raise. */
function problemsOf(change: (input: Mutable) => void): ScenarioError {
  const input = validInput() as Mutable;
  change(input);
  return validationError(input);
}

describe('validateScenario: valid input', () => {
  it('normalises strings to numbers with units in the names and fills defaults', () => {
    const scenario = validateScenario(validInput(), 'drill.yaml');
    expect(scenario.summary).toBe('A unit-test drill.');
    expect(scenario.runtime).toBe('local');
    expect(scenario.pki).toEqual({ algorithm: 'ecdsa-p256', clients: 4, intermediates: 1, clientLifetimeMs: 86_400_000, serverLifetimeMs: 90 * 86_400_000 });
    expect(scenario.lab.gateway).toEqual({ kind: 'node', ocsp: { mode: 'off', cacheTtlMs: 60_000, timeoutMs: 2_000 }, crl: false, replicas: 1 });
    expect(scenario.load).toEqual({
      profile: { kind: 'constant-rate', ratePerSecond: 10, durationMs: 5_000 },
      durationMs: 5_000,
      resumption: false,
      timeoutMs: 5_000,
      path: '/',
      identities: 4,
    });
    expect(scenario.slos).toEqual([
      { expression: 'success.rate >= 99%', scope: 'run', parsed: expect.objectContaining({ metric: 'success.rate', operator: '>=', threshold: 0.99 }) },
    ]);
    expect(scenario.faults).toEqual([]);
    expect(scenario.file).toMatch(/drill\.yaml$/);
  });

  it('parses rates per minute and per hour into attempts per second', () => {
    const scenario = validateScenario({ ...validInput(), load: { rate: '12000/m', duration: '1m' } }, 'drill.yaml');
    expect(scenario.load.profile).toEqual({ kind: 'constant-rate', ratePerSecond: 200, durationMs: 60_000 });
    const hourly = validateScenario({ ...validInput(), load: { rate: '5/h', duration: '1h' } }, 'drill.yaml');
    expect(hourly.load.profile).toMatchObject({ ratePerSecond: 5 / 3_600 });
  });

  it('turns a ramp into a profile whose duration is the sum of the stages', () => {
    const scenario = validateScenario(
      { ...validInput(), load: { ramp: { from: '0/s', stages: [{ to: '100/s', over: '30s' }, { to: '100/s', over: '1m' }] } } },
      'drill.yaml',
    );
    expect(scenario.load.profile).toEqual({
      kind: 'ramp',
      startRatePerSecond: 0,
      stages: [
        { toRatePerSecond: 100, durationMs: 30_000 },
        { toRatePerSecond: 100, durationMs: 60_000 },
      ],
    });
    expect(scenario.load.durationMs).toBe(90_000);
  });

  it('keeps closed-loop concurrency, phased SLOs and explicit identities', () => {
    const scenario = validateScenario(
      {
        ...validInput(),
        pki: { clients: 10 },
        load: { concurrency: 8, duration: '10s', identities: 3, resumption: true },
        slos: [{ expr: 'handshake.p95 < 150ms', phase: 'baseline' }, { expr: 'total.p99 < 1s' }],
      },
      'drill.yaml',
    );
    expect(scenario.load).toMatchObject({ profile: { kind: 'concurrency', concurrency: 8, durationMs: 10_000 }, identities: 3, resumption: true });
    expect(scenario.slos.map((slo) => [slo.expression, slo.scope])).toEqual([
      ['handshake.p95 < 150ms', 'baseline'],
      ['total.p99 < 1s', 'run'],
    ]);
  });
});

describe('validateScenario: each kind of bad input names the field, what was expected and what was found', () => {
  const cases: { name: string; change: (input: Mutable) => void; code?: string; path: (string | number)[]; message: RegExp }[] = [
    { name: 'a rate that is not a rate', change: (s) => (s.load.rate = 'fast'), path: ['load', 'rate'], message: /expected a rate like "50\/s".*got "fast"/ },
    { name: 'a rate without a unit', change: (s) => (s.load.rate = 50), path: ['load', 'rate'], message: /expected a rate.*got 50$/ },
    { name: 'a zero rate', change: (s) => (s.load.rate = '0/s'), path: ['load', 'rate'], message: /above 0\/s.*got "0\/s"/ },
    { name: 'an absurd rate', change: (s) => (s.load.rate = '1000000/s'), path: ['load', 'rate'], message: /at most 100000\/s, got "1000000\/s"/ },
    { name: 'a bad duration', change: (s) => (s.load.duration = '30 seconds'), path: ['load', 'duration'], message: /expected a duration like "30s".*got "30 seconds"/ },
    { name: 'a negative duration', change: (s) => (s.load.duration = '-5s'), path: ['load', 'duration'], message: /expected a duration.*got "-5s"/ },
    { name: 'a zero duration', change: (s) => (s.load.duration = '0s'), path: ['load', 'duration'], message: /above 0 and at most 1d, got "0s"/ },
    { name: 'a duration over a day', change: (s) => (s.load.duration = '25h'), path: ['load', 'duration'], message: /at most 1d, got "25h"/ },
    { name: 'a missing duration', change: (s) => delete s.load.duration, path: ['load', 'duration'], message: /is required with load\.rate/ },
    {
      name: 'both rate and concurrency',
      change: (s) => (s.load.concurrency = 4),
      path: ['load', 'concurrency'],
      message: /only one of rate, concurrency or ramp, got both rate and concurrency/,
    },
    { name: 'neither rate, concurrency nor ramp', change: (s) => delete s.load.rate, path: ['load'], message: /expected one of rate .* got none of them/ },
    { name: 'negative concurrency', change: (s) => ((s.load = { concurrency: -1, duration: '5s' })), path: ['load', 'concurrency'], message: /whole number from 1 to 10000, got -1/ },
    { name: 'fractional clients', change: (s) => (s.pki = { clients: 2.5 }), path: ['pki', 'clients'], message: /whole number from 1 to 10000, got 2.5/ },
    { name: 'zero clients', change: (s) => (s.pki = { clients: 0 }), path: ['pki', 'clients'], message: /got 0/ },
    { name: 'a string where a number belongs', change: (s) => (s.pki = { clients: 'four' }), path: ['pki', 'clients'], message: /expected a whole number.*got "four"/ },
    { name: 'a string where a mapping belongs', change: (s) => (s.lab.gateway = 'node'), path: ['lab', 'gateway'], message: /expected a mapping of fields, got "node"/ },
    { name: 'a word where a boolean belongs', change: (s) => (s.load.resumption = 'yes'), path: ['load', 'resumption'], message: /expected true or false, got "yes"/ },
    { name: 'an unknown gateway kind', change: (s) => (s.lab.gateway.kind = 'envoy'), path: ['lab', 'gateway', 'kind'], message: /one of "node", "nginx", "haproxy", "external", got "envoy"/ },
    { name: 'an unknown key algorithm', change: (s) => (s.pki = { algorithm: 'dsa' }), path: ['pki', 'algorithm'], message: /"ecdsa-p256".*got "dsa"/ },
    { name: 'a missing required section', change: (s) => delete s.lab, path: ['lab'], message: /is required/ },
    { name: 'a bad name', change: (s) => (s.name = 'My Drill'), path: ['name'], message: /lower-case letters.*got "My Drill"/ },
    { name: 'an empty description', change: (s) => (s.description = '  '), path: ['description'], message: /got an empty string/ },
    { name: 'an unknown field with a near miss', change: (s) => (s.load.durtion = '5s'), path: ['load', 'durtion'], message: /unknown field; did you mean "duration"\?/ },
    { name: 'an unknown top-level field', change: (s) => (s.slo = []), path: ['slo'], message: /did you mean "slos"\?/ },
    { name: 'an unknown field far from any', change: (s) => (s.load.zzzzzzzz = 1), path: ['load', 'zzzzzzzz'], message: /unknown field; expected one of rate, concurrency, ramp, duration/ },
    {
      name: 'OCSP checking without a responder',
      change: (s) => (s.lab.gateway.ocsp = { mode: 'hard-fail' }),
      path: ['lab', 'ocspResponder'],
      message: /is required when lab\.gateway\.ocsp\.mode is "hard-fail"/,
    },
    {
      name: 'soft-fail OCSP on nginx',
      change: (s) => (s.lab = { gateway: { kind: 'nginx', ocsp: { mode: 'soft-fail' } }, ocspResponder: { kind: 'builtin' } }),
      path: ['lab', 'gateway', 'ocsp', 'mode'],
      message: /nginx ssl_ocsp is hard-fail only/,
    },
    {
      name: 'OCSP on haproxy',
      change: (s) => (s.lab = { gateway: { kind: 'haproxy', ocsp: { mode: 'hard-fail' } }, ocspResponder: { kind: 'builtin' } }),
      path: ['lab', 'gateway', 'ocsp', 'mode'],
      message: /expected "off" with lab\.gateway\.kind "haproxy", got "hard-fail": haproxy checks client certificates against CRLs only/,
    },
    {
      name: 'SAN authorization on haproxy',
      change: (s) => (s.lab = { gateway: { kind: 'haproxy', authorization: { allowSans: ['spiffe://lab/a'] } } }),
      path: ['lab', 'gateway', 'authorization'],
      message: /haproxy 2\.6 has no sample fetch for a client certificate's SANs/,
    },
    {
      name: 'rejectWith on a gateway that is not haproxy',
      change: (s) => (s.lab = { gateway: { kind: 'nginx', rejectWith: 'alert' } }),
      path: ['lab', 'gateway', 'rejectWith'],
      message: /is a haproxy gateway option, and lab\.gateway\.kind is "nginx"/,
    },
    {
      name: 'a sigalgs TLS policy on haproxy',
      change: (s) => ((s.lab = { gateway: { kind: 'haproxy' } }), (s.faults = [{ at: '1s', kind: 'tls-policy', sigalgs: 'ECDSA+SHA384' }])),
      path: ['faults', 0, 'kind'],
      message: /cannot set sigalgs on the haproxy gateway: haproxy 2\.6 has no signature-algorithm bind keyword/,
    },
    { name: 'more identities than clients', change: (s) => (s.load.identities = 9), path: ['load', 'identities'], message: /at most pki\.clients \(4\), got 9/ },
    {
      name: 'a ramp with a contradicting duration',
      change: (s) => (s.load = { ramp: { from: '1/s', stages: [{ to: '10/s', over: '10s' }] }, duration: '5s' }),
      path: ['load', 'duration'],
      message: /expected 10s \(with load\.ramp the duration is the sum of the stages\), got 5s/,
    },
    { name: 'a ramp without stages', change: (s) => (s.load = { ramp: { from: '1/s', stages: [] } }), path: ['load', 'ramp', 'stages'], message: /at least one stage/ },
    { name: 'an SLO that does not parse', change: (s) => (s.slos = ['handshake.p95 <']), code: 'E_SLO_SYNTAX', path: ['slos', 0], message: /expected a value/ },
    { name: 'an SLO with an unknown phase', change: (s) => (s.slos = [{ expr: 'success.rate >= 99%', phase: 'later' }]), path: ['slos', 0, 'phase'], message: /"baseline".*got "later"/ },
    { name: 'an SLO that is a number', change: (s) => (s.slos = [5]), path: ['slos', 0], message: /expected an SLO like .* got 5/ },
    { name: 'a runtime that does not exist', change: (s) => (s.runtime = 'kubernetes'), path: ['runtime'], message: /"local".*"docker".*got "kubernetes"/ },
    { name: 'a fault of an unknown kind', change: (s) => (s.faults = [{ at: '5s', kind: 'meteor-strike' }]), path: ['faults', 0, 'kind'], message: /meteor-strike/ },
    { name: 'a fault without at', change: (s) => (s.faults = [{ kind: 'gateway-pause' }]), path: ['faults', 0, 'at'], message: /is required: expected a duration/ },
    { name: 'a fault with an option its kind does not have', change: (s) => (s.faults = [{ at: '5s', kind: 'gateway-pause', sigal: 'STOP' }]), path: ['faults', 0], message: /sigal/ },
    { name: 'a fault after the load ends', change: (s) => (s.faults = [{ at: '45s', kind: 'gateway-pause' }]), path: ['faults', 0, 'at'], message: /before the load ends/ },
    {
      name: 'a __proto__ key',
      change: (s) => Object.defineProperty(s.load, '__proto__', { value: { polluted: true }, enumerable: true }),
      path: ['load', '__proto__'],
      message: /forbidden key "__proto__"/,
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      const error = problemsOf(testCase.change);
      expect(error.code).toBe(testCase.code ?? 'E_SCENARIO_FIELD');
      expect(error.file).toBe('drill.yaml');
      expect(error.path).toEqual(testCase.path);
      expect(error.message).toMatch(testCase.message);
      expect(error.problems[0]).toEqual({ code: error.code, path: testCase.path, message: expect.stringMatching(testCase.message) });
    });
  }

  it('reports every problem at once, each with its own path', () => {
    const error = problemsOf((s) => {
      s.name = 'Bad';
      s.load = { rate: 'fast', durations: '5s' };
      s.lab.gateway.kind = 'envoy';
    });
    expect(error.problems.map((problem) => problem.path.join('.'))).toEqual(['name', 'lab.gateway.kind', 'load.rate', 'load.durations', 'load.duration']);
    expect(error.message).toMatch(/\(and 4 more problems\)$/);
    expect(error.hint).toMatch(/mtls-chaos schema/);
  });

  it('refuses a value nested absurdly deep, or a reference cycle, without overflowing the stack', () => {
    const cyclic = validInput() as Mutable;
    cyclic.load.self = cyclic.load;
    expect(() => validateScenario(cyclic, 'drill.ts')).toThrow(expect.objectContaining({ code: 'E_SCENARIO_SYNTAX', message: expect.stringMatching(/nested deeper than 32 levels/) }));
  });

  it('refuses something that is not a mapping at all', () => {
    expect(() => validateScenario(null, 'empty.yaml')).toThrow(expect.objectContaining({ code: 'E_SCENARIO_FIELD', message: expect.stringMatching(/expected a scenario.*got null/) }));
    expect(() => validateScenario(['a'], 'list.yaml')).toThrow(expect.objectContaining({ message: expect.stringMatching(/got a list of 1/) }));
  });
});
