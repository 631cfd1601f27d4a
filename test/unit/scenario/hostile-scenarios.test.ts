import { describe, expect, it } from 'vitest';
import { formatError } from '../../../src/cli/format-error.js';
import { ScenarioError, loadScenario, validateScenario } from '../../../src/scenario/index.js';
import { validInput, writeTemp } from './scenario-fixtures.js';

/**
 * Hostile scenario files that the other scenario tests do not already cover (alias bombs,
 * duplicate keys, __proto__/constructor, binary, oversized, deep nesting, unknown fields and
 * wrong types live in load-scenario.test.ts and validate-scenario.test.ts). Each must end in a
 * ScenarioError naming the file and the field, printed on one line without a stack trace.
 */
type Mutable = Record<string, any>;

async function loadError(file: string): Promise<ScenarioError> {
  const error = await loadScenario(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  return error as ScenarioError;
}

function validationError(change: (input: Mutable) => void): ScenarioError {
  const input = validInput() as Mutable;
  change(input);
  try {
    validateScenario(input, 'drill.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error('expected the scenario to be invalid');
}

/** What the CLI prints: the first line names code, file and field; no stack frames anywhere. */
function expectOneLine(error: ScenarioError, file: string, field?: string): void {
  const printed = formatError(error, false);
  const [first] = printed.split('\n');
  expect(first).toMatch(new RegExp(`^error\\[E_SCENARIO_[A-Z]+\\]: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
  if (field) expect(first).toContain(`: ${field}: `);
  expect(printed).not.toMatch(/^\s+at /m);
}

describe('hostile YAML text', () => {
  it('tabs used for indentation: a syntax error at the line, not a silently different structure', async () => {
    const file = await writeTemp('tabs.yaml', 'name: tabs\ndescription: d\nlab:\n\tgateway: { kind: node }\nload: { rate: 1/s, duration: 1s }\n');
    const error = await loadError(file);
    expect(error.code).toBe('E_SCENARIO_SYNTAX');
    expect(error.message).toMatch(/tab/i);
    expect(error.message).toMatch(/line 4/);
    expectOneLine(error, file);
  });

  it('a constructor key at the top and a prototype key deep inside: refused by name', async () => {
    const file = await writeTemp('ctor.yaml', 'name: ctor\ndescription: d\nconstructor: { name: x }\nlab: { gateway: { kind: node, ocsp: { prototype: { polluted: true } } } }\nload: { rate: 1/s, duration: 1s }\n');
    const error = await loadError(file);
    expect(error.problems.map((problem) => problem.path.join('.'))).toEqual(['constructor', 'lab.gateway.ocsp.prototype']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expectOneLine(error, file, 'constructor');
  });
});

describe('absurd durations and rates', () => {
  const cases: { name: string; change: (input: Mutable) => void; path: string; message: RegExp }[] = [
    { name: 'a load lasting years', change: (s) => (s.load.duration = '3650d'), path: 'load.duration', message: /at most 1d, got "3650d"/ },
    { name: 'a duration in years (no such unit)', change: (s) => (s.load.duration = '2y'), path: 'load.duration', message: /expected a duration like "30s".*got "2y"/ },
    { name: 'a negative rate', change: (s) => (s.load.rate = '-5/s'), path: 'load.rate', message: /expected a rate.*got "-5\/s"/ },
    { name: 'a rate of 1e9 per second in exponent form', change: (s) => (s.load.rate = '1e9/s'), path: 'load.rate', message: /expected a rate.*got "1e9\/s"/ },
    { name: 'a zero timeout', change: (s) => (s.load.timeout = '0ms'), path: 'load.timeout', message: /above 0/ },
    { name: 'an attempt timeout of a week', change: (s) => (s.load.timeout = '7d'), path: 'load.timeout', message: /at most 5m, got "7d"/ },
    { name: 'a certificate lifetime of a millennium', change: (s) => (s.pki = { clientLifetime: '365000d' }), path: 'pki.clientLifetime', message: /at most 3650d/ },
    { name: 'a zero certificate lifetime', change: (s) => (s.pki = { serverLifetime: '0s' }), path: 'pki.serverLifetime', message: /above 0/ },
    { name: 'a negative fault time', change: (s) => (s.faults = [{ at: '-1s', kind: 'gateway-pause' }]), path: 'faults.0.at', message: /expected a duration.*got "-1s"/ },
    { name: 'a zero fault length', change: (s) => (s.faults = [{ at: '1s', for: '0s', kind: 'gateway-pause' }]), path: 'faults.0.for', message: /above 0/ },
    { name: 'a duration as a number', change: (s) => (s.load.duration = 30), path: 'load.duration', message: /expected a duration.*got 30$/ },
    { name: 'a duration with Infinity', change: (s) => (s.load.duration = 'Infinitys'), path: 'load.duration', message: /got "Infinitys"/ },
    { name: 'a huge digit string', change: (s) => (s.load.duration = `${'9'.repeat(400)}s`), path: 'load.duration', message: /at most 1d/ },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const error = validationError(testCase.change);
      expect(error.problems.map((problem) => problem.path.join('.'))).toContain(testCase.path);
      expect(error.problems.find((problem) => problem.path.join('.') === testCase.path)?.message).toMatch(testCase.message);
    });
  }
});

describe('impossible fault timelines', () => {
  it('a fault that starts after the load ends', () => {
    const error = validationError((s) => (s.faults = [{ at: '5s', kind: 'gateway-pause' }]));
    expect(error).toMatchObject({ path: ['faults', 0, 'at'], message: expect.stringMatching(/before the load ends \(5s\), got 5s: the fault would never happen/) });
  });

  it('a fault that would heal after the load ends: no recovery to measure', () => {
    const error = validationError((s) => (s.faults = [{ at: '3s', for: '10s', kind: 'gateway-pause' }]));
    expect(error).toMatchObject({ code: 'E_SCENARIO_FAULTS', path: ['faults', 0, 'for'], message: expect.stringMatching(/heal before the load ends \(5s\), got a heal at 13s/) });
  });

  it('two faults of the same kind active at once', () => {
    const error = validationError((s) => (s.faults = [{ at: '1s', for: '2s', kind: 'gateway-pause' }, { at: '2s', for: '1s', kind: 'gateway-pause' }]));
    expect(error).toMatchObject({
      code: 'E_SCENARIO_FAULTS',
      path: ['faults', 1, 'at'],
      message: expect.stringMatching(/no overlap with faults\.0 \(gateway-pause, from 1s\), got one from 2s/),
    });
  });

  it('a fault that stays to the end, then another of its kind', () => {
    const error = validationError((s) => (s.faults = [{ at: '1s', kind: 'gateway-pause' }, { at: '4s', for: '500ms', kind: 'gateway-pause' }]));
    expect(error.path).toEqual(['faults', 1, 'at']);
  });

  it('allows the same kind back to back, and faults of different kinds at once', () => {
    const input = {
      ...validInput(),
      lab: { gateway: { kind: 'node', ocsp: { mode: 'soft-fail' } }, ocspResponder: { kind: 'builtin' } },
      faults: [
        { at: '1s', for: '1s', kind: 'gateway-pause' },
        { at: '2s', for: '1s', kind: 'gateway-pause' },
        { at: '1s', for: '2s', kind: 'ocsp-outage', mode: 'down' },
      ],
    };
    expect(validateScenario(input, 'drill.yaml').faults).toHaveLength(3);
  });
});

describe('paths that would escape the scenario folder', () => {
  // One scenario field names a file to read, lab.gateway.config, and only inside the scenario's
  // folder; reports go to --out, keys to the run's own temp folder. Any other path in a scenario
  // is an unknown field, or data that is never opened.
  it('a field naming a file outside the folder is refused, never read', () => {
    const error = validationError((s) => {
      s.lab.gateway = { kind: 'nginx', config: '../../../etc/nginx/nginx.conf' };
      s.pki = { dir: '/etc/ssl/private' };
    });
    expect(error.problems.map((problem) => [problem.path.join('.'), problem.message])).toEqual([
      ['pki.dir', expect.stringMatching(/^unknown field/)],
      ['lab.gateway.config', expect.stringMatching(/^expected a path inside the scenario's folder/)],
    ]);
  });

  it('$schema pointing outside the folder is not opened', async () => {
    const file = await writeTemp('schema.yaml', 'name: s\ndescription: d\n$schema: ../../../../nonexistent/secret.json\nlab: { gateway: { kind: node } }\nload: { rate: 1/s, duration: 1s }\n');
    await expect(loadScenario(file)).resolves.toMatchObject({ name: 's' });
  });

  it('an HTTP path that climbs folders stays an HTTP path on the lab gateway, and one with a NUL or a space is refused', () => {
    expect(validateScenario({ ...validInput(), load: { rate: '1/s', duration: '1s', path: '/../../etc/passwd' } }, 'drill.yaml').load.path).toBe('/../../etc/passwd');
    expect(validationError((s) => (s.load.path = '/a\u0000b')).path).toEqual(['load', 'path']);
    expect(validationError((s) => (s.load.path = '../etc')).path).toEqual(['load', 'path']);
  });

  it('a TypeScript scenario importing a file outside its folder that does not exist: E_SCENARIO_IMPORT (one line, the file named)', async () => {
    const file = await writeTemp('escape.ts', `import secret from '../../../../../nonexistent/secret.js';\nexport default secret;\n`);
    const error = await loadError(file);
    expect(error.code).toBe('E_SCENARIO_IMPORT');
    expectOneLine(error, file);
  });
});

describe('TypeScript scenarios that export the wrong thing', () => {
  const cases: { name: string; source: string; code: string; message: RegExp }[] = [
    { name: 'a list', source: 'export default [1, 2];', code: 'E_SCENARIO_EXPORT', message: /default export is a list/ },
    { name: 'a string', source: "export default 'baseline';", code: 'E_SCENARIO_EXPORT', message: /default export is string/ },
    { name: 'null', source: 'export default null;', code: 'E_SCENARIO_EXPORT', message: /default export is null/ },
    { name: 'a Promise of a scenario', source: "export default Promise.resolve({ name: 'x' });", code: 'E_SCENARIO_FIELD', message: /is required/ },
    { name: 'a class instance with nothing in it', source: 'class Drill {}\nexport default new Drill();', code: 'E_SCENARIO_FIELD', message: /is required/ },
    { name: 'an object whose getter throws', source: "export default { get name(): string { throw new Error('getter exploded'); } };", code: 'E_SCENARIO_EXPORT', message: /could not be read: getter exploded/ },
    { name: 'a Proxy that throws on every read', source: "export default new Proxy({}, { ownKeys() { throw new Error('no keys for you'); } });", code: 'E_SCENARIO_EXPORT', message: /could not be read: no keys for you/ },
    { name: 'a module that rejects at the top level', source: "await Promise.reject(new Error('top-level await failed'));\nexport default {};", code: 'E_SCENARIO_EXPORT', message: /top-level await failed/ },
  ];
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const file = await writeTemp('wrong.mts', `${testCase.source}\n`);
      const error = await loadError(file);
      expect(error.code).toBe(testCase.code);
      expect(error.message).toMatch(testCase.message);
      expectOneLine(error, file);
    }, 20_000);
  }
});
