import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportK6 } from '../../src/k6/index.js';
import { TOOL_VERSION } from '../../src/run/index.js';
import { BUILT_IN_SCENARIO_DIR, listScenarioFiles, loadScenario } from '../../src/scenario/index.js';
import { syntheticDrills } from '../support/k6-synthetic-drills.js';
import { testRunValidator } from '../support/k6-testrun-schema.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';

const run = promisify(execFile);
const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');

/** One tsc over every script, against @types/k6 only (no Node types): what a k6 user's editor checks. */
async function typecheck(dir: string, include: readonly string[]): Promise<{ ok: boolean; output: string }> {
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'ES2020',
      lib: ['ES2020'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      types: ['k6'],
      typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
      skipLibCheck: true,
    },
    include,
  };
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  try {
    const { stdout } = await run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

describe('export k6 of every built-in drill', () => {
  let root: string;
  let drills: string[];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mtls-chaos-k6-export-'));
    drills = await listScenarioFiles(BUILT_IN_SCENARIO_DIR);
    for (const file of drills) {
      const scenario = await loadScenario(file);
      await exportK6(scenario, { outDir: join(root, scenario.name), parallelism: 3, toolVersion: TOOL_VERSION });
    }
    // Ramps and concurrency, which no built-in drill uses, go through the same tsc run.
    for (const scenario of syntheticDrills()) {
      await exportK6(scenario, { outDir: join(root, scenario.name), parallelism: 2, toolVersion: TOOL_VERSION });
    }
  }, 180_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('writes a script for every drill that typechecks against @types/k6 (one tsc run)', async () => {
    expect(drills.length).toBeGreaterThanOrEqual(40);
    const { ok, output } = await typecheck(root, ['*/script.ts']);
    expect(output).toBe('');
    expect(ok).toBe(true);
  }, 120_000);

  it('the typecheck is real: a script with a misspelt executor option fails it', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'mtls-chaos-k6-broken-'));
    try {
      const script = await readFile(join(root, 'baseline', 'script.ts'), 'utf8');
      await writeFile(join(broken, 'script.ts'), script.replace('"preAllocatedVUs"', '"preAllocatedVus"'));
      const { ok, output } = await typecheck(broken, ['script.ts']);
      expect(ok).toBe(false);
      expect(output).toMatch(/preAllocatedVus/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  }, 120_000);

  it('every TestRun validates against the vendored k6-operator schema; no key material outside tls/', async () => {
    const validate = testRunValidator();
    for (const file of drills) {
      const name = basename(file, '.ts');
      const dir = join(root, name);
      const testRun = parse(await readFile(join(dir, 'testrun.yaml'), 'utf8'));
      expect(validate(testRun), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(testRun.spec.parallelism).toBe(3);
      for (const text of ['script.ts', 'testrun.yaml', 'kustomization.yaml', 'README.txt']) {
        expect(await readFile(join(dir, text), 'utf8'), `${name}/${text}`).not.toMatch(/-----BEGIN/);
      }
      expect((await stat(join(dir, 'tls'))).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, 'tls', 'client-1.key'))).mode & 0o777).toBe(0o600);
      const kustomization = parse(await readFile(join(dir, 'kustomization.yaml'), 'utf8'));
      for (const referenced of [...kustomization.secretGenerator[0].files, ...kustomization.configMapGenerator[0].files]) {
        await expect(stat(join(dir, referenced)), `${name}: ${referenced}`).resolves.toBeTruthy();
      }
    }
  });

  it('ramps, concurrency, TLS 1.3 only and resumption come out as k6 options', async () => {
    const ramp = await readFile(join(root, 'k6-ramp', 'script.ts'), 'utf8');
    expect(ramp).toContain('"executor": "ramping-arrival-rate"');
    expect(ramp).toMatch(/"expression": "gateway\.cpu\.p95 < 80%",\s*"scope": "run",\s*"k6": "not a threshold/);
    const closed = await readFile(join(root, 'k6-concurrency', 'script.ts'), 'utf8');
    expect(closed).toContain('"executor": "constant-vus"');
    expect(closed).toContain('tlsVersion: {"min":"tls1.3","max":"tls1.3"}');
    expect(closed).not.toContain('noConnectionReuse');
    expect(closed).toMatch(/"notReproduced": \[[\s\S]*load\.resumption/);
  });

  it('a drill whose text ends comments and drives terminals is exported as data (script, README)', async () => {
    const script = await readFile(join(root, 'k6-hostile-text', 'script.ts'), 'utf8');
    // The whole script went through the one tsc run above; here: nothing raw that ends a line or acts.
    expect(script).not.toMatch(/[\r\u2028\u2029\u001b\u202e]/);
    expect(script).toContain('"description": "Harmless.\\u2028globalThis.stolen = open(\\"./tls/client-1.key\\"); /* \\r*/ `${1}` </script> \\u001b[2J\\u202e \\\\"');
    expect(script).not.toMatch(/^globalThis/m);
    const readme = await readFile(join(root, 'k6-hostile-text', 'README.txt'), 'utf8');
    expect(readme).not.toMatch(/[\r\u2028\u2029\u001b\u202e]/);
    expect(readme).toContain('  - recovery.time\\u2029<\u00a03s (recovery phase)');
  });

  it('a drill\'s phases become k6 scenarios tagged by phase, and its SLOs thresholds or listed exclusions', async () => {
    const script = await readFile(join(root, 'gateway-pause', 'script.ts'), 'utf8');
    for (const phase of ['baseline', 'fault', 'recovery']) expect(script).toContain(`"phase": "${phase}"`);
    expect(script).toContain('"startTime": "6s"');
    expect(script).toContain('"checks{phase:baseline}": [\n      "rate>=0.999"');
    expect(script).toMatch(/"expression": "recovery\.time < 3s",\s*"scope": "run",\s*"k6": "not a threshold/);
    expect(script).toContain('open(TLS_DIR + "/client-1.key")');
    expect(script).toContain('noConnectionReuse: true');
  });
});

describe('mtls-chaos export k6 (CLI)', () => {
  it('exports baseline with tlsAuth, thresholds and a TestRun, says the folder holds a private key, and refuses a non-empty folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-k6-cli-'));
    try {
      const out = join(dir, 'baseline-k6');
      const first = await runCli(['export', 'k6', 'scenarios/baseline.ts', '--out', out, '--parallelism', '4', '--target', 'https://gateway.example:8443/ignored']);
      expect(first.stderr).toBe('');
      expect(first.exitCode).toBe(0);
      expect(first.stdout).toMatch(/PRIVATE KEY: .*tls holds a client private key/);
      expect(first.stdout).toContain('thresholds: 3 of 3 SLOs translated');
      expect(first.stdout).toContain('handshake.p95 < 150ms -> http_req_tls_handshaking: p(95)<150');
      const script = await readFile(join(out, 'script.ts'), 'utf8');
      expect(script).toContain('tlsAuth');
      expect(script).toContain('"https://gateway.example:8443"');
      expect(parse(await readFile(join(out, 'testrun.yaml'), 'utf8')).spec.parallelism).toBe(4);
      expect(await readFile(join(out, 'README.txt'), 'utf8')).toMatch(/k6 run[\s\S]*kubectl apply -k[\s\S]*kubectl create secret generic/);

      const again = await runCli(['export', 'k6', 'scenarios/baseline.ts', '--out', out]);
      expect(again.exitCode).toBe(2);
      expect(again.stderr).toContain('E_USAGE_OUT_NOT_EMPTY');
      const badTarget = await runCli(['export', 'k6', 'scenarios/baseline.ts', '--out', join(dir, 'x'), '--target', 'http://plain']);
      expect(badTarget.exitCode).toBe(2);
      expect(badTarget.stderr).toContain('E_USAGE_TARGET');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('lists the SLOs it cannot translate in its output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-k6-cli-'));
    try {
      const result = await runCli(['export', 'k6', 'scenarios/gateway-pause.ts', '--out', join(dir, 'out')]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain('NOT TRANSLATED recovery.time < 3s');
      expect(result.stdout).toContain('NOT REPRODUCED the fault timeline');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
