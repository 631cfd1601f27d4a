import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_SCENARIO_DIR, MAX_SCENARIO_BYTES, ScenarioError, listScenarioFiles, loadScenario } from '../../../src/scenario/index.js';
import { tempDir, writeTemp } from './scenario-fixtures.js';

const VALID_YAML = `name: yaml-drill
description: A YAML drill.
lab:
  gateway: { kind: node }
load:
  rate: 20/s
  duration: 2s
slos:
  - success.rate >= 99%
`;

async function loadError(file: string): Promise<ScenarioError> {
  const error = await loadScenario(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  return error as ScenarioError;
}

describe('loadScenario: the built-in drills and the YAML example', () => {
  it('accepts every drill under scenarios/ and the YAML example', async () => {
    const files = await listScenarioFiles(BUILT_IN_SCENARIO_DIR);
    expect(files.map((file) => file.slice(BUILT_IN_SCENARIO_DIR.length))).toEqual(expect.arrayContaining(['baseline.ts', 'baseline-nginx.ts']));
    for (const file of [...files, join(BUILT_IN_SCENARIO_DIR, 'examples', 'baseline.yaml')]) {
      const scenario = await loadScenario(file);
      // docs/ARCHITECTURE.md ("A fault kind"): each drill says what it breaks, what healthy looks like, what the SLOs assert.
      expect(scenario.description, file).toMatch(/Breaks:/);
      expect(scenario.description, file).toMatch(/Healthy:/);
      expect(scenario.description, file).toMatch(/SLOs:/);
      expect(scenario.slos.length, file).toBeGreaterThan(0);
    }
    // Each TypeScript drill is compiled on first load (~0.5-1.5 s each on 2 busy cores).
  }, 240_000);

  it('baseline: node gateway, builtin OCSP responder, soft-fail, 50/s for 30s over 4 identities without resumption', async () => {
    const scenario = await loadScenario(join(BUILT_IN_SCENARIO_DIR, 'baseline.ts'));
    expect(scenario.name).toBe('baseline');
    expect(scenario.lab.gateway).toMatchObject({ kind: 'node', ocsp: { mode: 'soft-fail' } });
    expect(scenario.lab.ocspResponder).toEqual({ kind: 'builtin' });
    expect(scenario.load).toMatchObject({ profile: { kind: 'constant-rate', ratePerSecond: 50, durationMs: 30_000 }, identities: 4, resumption: false });
    expect(scenario.slos.map((slo) => slo.expression)).toEqual(['success.rate >= 99.9%', 'handshake.p95 < 150ms', 'total.p99 < 500ms']);
  });

  it('baseline-nginx: the same load against the nginx gateway, without OCSP', async () => {
    const scenario = await loadScenario(join(BUILT_IN_SCENARIO_DIR, 'baseline-nginx.ts'));
    expect(scenario.lab.gateway).toMatchObject({ kind: 'nginx', ocsp: { mode: 'off' } });
    expect(scenario.load.profile).toEqual({ kind: 'constant-rate', ratePerSecond: 50, durationMs: 30_000 });
  });
});

describe('loadScenario: formats', () => {
  it('reads YAML (.yaml and .yml) and JSON', async () => {
    for (const name of ['drill.yaml', 'drill.yml']) {
      const scenario = await loadScenario(await writeTemp(name, VALID_YAML));
      expect(scenario.load.profile).toEqual({ kind: 'constant-rate', ratePerSecond: 20, durationMs: 2_000 });
    }
    const json = JSON.stringify({ $schema: './scenario.schema.json', name: 'json-drill', description: 'd', lab: { gateway: { kind: 'nginx' } }, load: { concurrency: 2, duration: '1s' } });
    expect((await loadScenario(await writeTemp('drill.json', json))).name).toBe('json-drill');
  });

  it('imports a TypeScript module and takes its default export', async () => {
    const dir = await tempDir();
    const file = join(dir, 'drill.ts');
    const define = pathToFileURL(join(BUILT_IN_SCENARIO_DIR, '..', 'src', 'scenario', 'index.ts')).href;
    await writeFile(
      file,
      `import { defineScenario } from ${JSON.stringify(define)};
const rate: string = '7/s';
export default defineScenario({ name: 'ts-drill', description: 'typed', lab: { gateway: { kind: 'node' } }, load: { rate, duration: '1s' } });
`,
    );
    const scenario = await loadScenario(file);
    expect(scenario.name).toBe('ts-drill');
    expect(scenario.load.profile).toMatchObject({ ratePerSecond: 7 });
  });

  it('imports a JavaScript module (.mjs)', async () => {
    const file = await writeTemp('drill.mjs', `export default { name: 'js-drill', description: 'js', lab: { gateway: { kind: 'node' } }, load: { rate: '1/s', duration: '1s' } };\n`);
    expect((await loadScenario(file)).name).toBe('js-drill');
  });
});

describe('loadScenario: files it refuses', () => {
  it('a missing file: E_SCENARIO_FILE with a hint', async () => {
    const error = await loadError('/nonexistent/drill.yaml');
    expect(error.code).toBe('E_SCENARIO_FILE');
    expect(error.file).toBe('/nonexistent/drill.yaml');
    expect(error.message).toBe('cannot read it: no such file or folder (ENOENT)');
    expect(error.hint).toMatch(/mtls-chaos list/);
  });

  it('an unknown extension and a directory', async () => {
    expect((await loadError(await writeTemp('drill.txt', VALID_YAML))).message).toMatch(/ending in .*\.yaml.*got "\.txt"/);
    const dir = await tempDir();
    await mkdir(join(dir, 'folder.yaml'));
    expect(await loadError(join(dir, 'folder.yaml'))).toMatchObject({ code: 'E_SCENARIO_FILE', message: expect.stringMatching(/not a regular file/) });
  });

  it('an oversized file, before parsing it', async () => {
    const file = await writeTemp('big.yaml', `${VALID_YAML}# ${'x'.repeat(MAX_SCENARIO_BYTES)}\n`);
    expect(await loadError(file)).toMatchObject({ code: 'E_SCENARIO_FILE', message: expect.stringMatching(/at most 1048576 bytes/) });
  });

  it('a binary file and a file that is not UTF-8', async () => {
    const binary = await writeTemp('binary.yaml', Uint8Array.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x00, 0x01, 0x02]));
    expect(await loadError(binary)).toMatchObject({ code: 'E_SCENARIO_FILE', message: expect.stringMatching(/looks binary/) });
    const latin1 = await writeTemp('latin1.yaml', Buffer.from('name: caf\xe9\n', 'latin1'));
    expect(await loadError(latin1)).toMatchObject({ code: 'E_SCENARIO_FILE', message: 'is not valid UTF-8 text' });
  });

  it('a duplicate YAML key (the last one would silently win)', async () => {
    const error = await loadError(await writeTemp('dup.yaml', `${VALID_YAML}load:\n  rate: 999/s\n`));
    expect(error.code).toBe('E_SCENARIO_SYNTAX');
    expect(error.message).toMatch(/duplicate key: Map keys must be unique at line 10, column 1/);
  });

  it('a "billion laughs" alias bomb, without expanding it', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const started = performance.now();
    const error = await loadError(await writeTemp('bomb.yaml', `${levels.join('\n')}\n`));
    expect(error.code).toBe('E_SCENARIO_SYNTAX');
    expect(error.message).toMatch(/too many aliases.*billion laughs/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a __proto__ key in YAML: refused, and Object.prototype untouched', async () => {
    const error = await loadError(await writeTemp('proto.yaml', `${VALID_YAML}__proto__:\n  polluted: true\n`));
    expect(error).toMatchObject({ code: 'E_SCENARIO_FIELD', path: ['__proto__'], message: expect.stringMatching(/forbidden key "__proto__"/) });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const nested = await loadError(await writeTemp('constructor.yaml', VALID_YAML.replace('lab:\n', 'lab:\n  constructor: { prototype: 1 }\n')));
    expect(nested.path).toEqual(['lab', 'constructor']);
  });

  it('custom YAML tags and several documents', async () => {
    const tagged = await loadError(await writeTemp('tag.yaml', VALID_YAML.replace('name: yaml-drill', 'name: !!js/function "x"')));
    expect(tagged).toMatchObject({ code: 'E_SCENARIO_SYNTAX', message: expect.stringMatching(/custom YAML tags are not allowed/) });
    const multi = await loadError(await writeTemp('multi.yaml', `${VALID_YAML}---\nname: second\n`));
    expect(multi).toMatchObject({ code: 'E_SCENARIO_SYNTAX', message: expect.stringMatching(/multiple documents/) });
  });

  it('an empty YAML file', async () => {
    expect(await loadError(await writeTemp('empty.yaml', ''))).toMatchObject({ code: 'E_SCENARIO_FIELD', message: expect.stringMatching(/expected a scenario.*got null/) });
  });

  it('schema problems in a YAML file name the file and the path', async () => {
    const file = await writeTemp('bad.yaml', VALID_YAML.replace('rate: 20/s', 'rate: fast'));
    const error = await loadError(file);
    expect(error).toMatchObject({ code: 'E_SCENARIO_FIELD', file, path: ['load', 'rate'] });
    expect(error.message).toMatch(/expected a rate like "50\/s".*got "fast"/);
  });

  it('a TypeScript scenario that throws: E_SCENARIO_EXPORT naming the cause', async () => {
    const file = await writeTemp('throws.ts', `const port: number = 1;\nthrow new Error('cannot compute the drill ' + port);\nexport default {};\n`);
    const error = await loadError(file);
    expect(error).toMatchObject({ code: 'E_SCENARIO_EXPORT', file, message: 'could not be loaded: cannot compute the drill 1' });
    expect(error.hint).toMatch(/export default defineScenario\(\{\.\.\.\}\)/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('a TypeScript scenario without a default export', async () => {
    const file = await writeTemp('named.ts', `export const scenario = { name: 'x' };\n`);
    const error = await loadError(file);
    expect(error).toMatchObject({ code: 'E_SCENARIO_EXPORT', message: expect.stringMatching(/has no default export/) });
    expect(error.hint).toMatch(/export default defineScenario/);
  });

  it('a TypeScript scenario whose default export is not an object', async () => {
    const file = await writeTemp('fn.ts', `export default function scenario() { return {}; }\n`);
    expect(await loadError(file)).toMatchObject({ code: 'E_SCENARIO_EXPORT', message: expect.stringMatching(/default export is a function; expected the scenario object/) });
  });

  it('a TypeScript scenario with a syntax error: esbuild\'s words at file:line:column', async () => {
    const file = await writeTemp('syntax.ts', `export default { name: 'x', \n`);
    expect(await loadError(file)).toMatchObject({ code: 'E_SCENARIO_SYNTAX', file: `${file}:2:1`, message: expect.stringMatching(/end of file/) });
  });

  it('stops before reading when the signal is already aborted', async () => {
    const file = await writeTemp('drill.yaml', VALID_YAML);
    await expect(loadScenario(file, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('a built-in drill by name', () => {
  it('loads scenarios/<name>.ts for a bare name, as `mtls-chaos list` names it', async () => {
    const scenario = await loadScenario('ocsp-slow-nginx');
    expect(scenario.name).toBe('ocsp-slow-nginx');
    expect(scenario.file).toBe(join(BUILT_IN_SCENARIO_DIR, 'ocsp-slow-nginx.ts'));
  });

  it('an unknown name is a file error whose hint says names and paths both work', async () => {
    await expect(loadScenario('no-such-drill')).rejects.toMatchObject({
      code: 'E_SCENARIO_FILE',
      hint: expect.stringMatching(/by its name .*e\.g\. baseline.* or a scenario file's path/),
    });
  });
});
