import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runProcess, type CliResult } from '../support/run-cli.js';

/**
 * The package as a person gets it: `npm pack`, a global install of the tarball into a temporary
 * prefix, and the installed `mtls-chaos` run from a folder outside any project (no node_modules
 * above it). The tarball is packed from a copy of the package's files with the repository's dist/
 * as `npm ci` (its `prepare`) or `npm run build` made it, and --ignore-scripts: `npm ci` already
 * proves the build, and building again here cost ~30-45 s of tsc on 2 busy cores.
 *
 * Measured on 2 busy cores: install ~20-45 s (npm, from its cache), the rest ~60 s. npm must reach
 * its registry for anything not in its cache.
 */
const INSTALL_TIMEOUT_MS = 300_000;
const STEP_TIMEOUT_MS = 120_000;

let root: string;
let cli: string;
let work: string;
/** The installed package's folder, to typecheck a scenario against its exported types. */
let installed: string;

// What a person's shell would not have: our test runner's Node options and module paths.
const { NODE_OPTIONS: _nodeOptions, NODE_PATH: _nodePath, ...env } = process.env;

function run(command: readonly string[], cwd: string, timeoutMs = STEP_TIMEOUT_MS): Promise<CliResult> {
  return runProcess(command, { cwd, env, timeoutMs });
}

/** Fails with the command's own output, which is what explains a failed install or build. */
function expectSuccess(result: CliResult, what: string): void {
  expect(result.exitCode, `${what}\n${result.stdout}\n${result.stderr}`).toBe(0);
}

async function packTarball(): Promise<string> {
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { files: string[] };
  const stage = join(root, 'stage');
  await mkdir(stage);
  for (const entry of ['package.json', 'tsconfig.json', 'README.md', ...manifest.files]) {
    await cp(join(REPO_ROOT, entry), join(stage, entry), { recursive: true });
  }
  const out = join(root, 'tarball');
  await mkdir(out);
  expectSuccess(await run(['npm', 'pack', '--ignore-scripts', '--pack-destination', out], stage, INSTALL_TIMEOUT_MS), 'npm pack');
  const [tarball] = (await readdir(out)).filter((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no .tgz into ${out}`);
  return join(out, tarball);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-packed-'));
  const tarball = await packTarball();
  const prefix = join(root, 'prefix');
  // --prefer-offline: npm's cache (filled by `npm ci`) answers when it can.
  const install = await run(['npm', 'install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], root, INSTALL_TIMEOUT_MS);
  expectSuccess(install, 'npm install --global <tarball>');
  cli = join(prefix, 'bin', 'mtls-chaos');
  installed = join(prefix, 'lib', 'node_modules', 'mtls-chaos');
  work = join(root, 'work');
  await mkdir(work);
}, INSTALL_TIMEOUT_MS * 2);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** The newest run folder of `drill` under `dir`'s reports/, and its result. */
async function latestResult(dir: string, drill: string): Promise<{ status: string; verdict: string; scenario: { name: string } }> {
  const runs = (await readdir(join(dir, 'reports'))).filter((name) => name.startsWith(`${drill}-`)).sort();
  const latest = runs.at(-1);
  if (latest === undefined) throw new Error(`no reports/${drill}-* folder in ${dir}`);
  return JSON.parse(await readFile(join(dir, 'reports', latest, 'result.json'), 'utf8'));
}

describe('the packed tarball, installed globally, used from a folder outside any project', { timeout: STEP_TIMEOUT_MS }, () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await run([cli, '--version'], work);
    expectSuccess(result, '--version');
    expect(result.stdout.trim()).toBe(version);
  });

  it('list shows the built-in drills by name', async () => {
    const result = await run([cli, 'list'], work);
    expectSuccess(result, 'list');
    expect(result.stdout).toMatch(/^baseline +\S+baseline\.ts +Healthy node gateway/m);
  });

  it('init writes a starter folder whose drills validate, a TypeScript one and an .mjs one importing mtls-chaos', async () => {
    expectSuccess(await run([cli, 'init', 'starter'], work), 'init starter');
    expect((await readdir(join(work, 'starter'))).sort()).toEqual(['.gitignore', 'README.md', 'my-drill.ts', 'my-drill.yaml']);
    // Plain JavaScript goes through Node's own resolution, not tsx's: both must find the package.
    await writeFile(
      join(work, 'plain.mjs'),
      "import { defineScenario } from 'mtls-chaos';\nexport default defineScenario({ name: 'plain', description: 'x', lab: { gateway: { kind: 'node' } }, load: { rate: '10/s', duration: '3s' }, slos: ['success.rate >= 99%'] });\n",
    );
    const result = await run([cli, 'validate', 'starter/my-drill.yaml', 'starter/my-drill.ts', 'plain.mjs'], work);
    expectSuccess(result, 'validate');
    expect(result.stdout.match(/^ok /gm)).toHaveLength(3);
  });

  it('the TypeScript drill runs (exit 0, result.json written)', async () => {
    expectSuccess(await run([cli, 'run', 'starter/my-drill.ts', '--duration', '5s', '--quiet'], work), 'run starter/my-drill.ts');
    expect(await latestResult(work, 'my-ocsp-outage')).toMatchObject({ status: 'completed', verdict: 'pass' });
  });

  it('a built-in drill runs by name (exit 0, result.json written)', async () => {
    expectSuccess(await run([cli, 'run', 'baseline', '--duration', '5s', '--quiet'], work), 'run baseline');
    expect(await latestResult(work, 'baseline')).toMatchObject({ status: 'completed', verdict: 'pass', scenario: { name: 'baseline' } });
  });

  it("the package's types check a scenario: the starter drill passes, a wrong gateway kind fails", async () => {
    // A project that installed mtls-chaos (as the starter README suggests for editors).
    const project = join(root, 'typed');
    await mkdir(join(project, 'node_modules'), { recursive: true });
    await symlink(installed, join(project, 'node_modules', 'mtls-chaos'));
    const drill = await readFile(join(work, 'starter', 'my-drill.ts'), 'utf8');
    await writeFile(join(project, 'good.ts'), `${drill}\nimport type { Scenario, ScenarioInput } from 'mtls-chaos';\nexport type Both = [Scenario, ScenarioInput];\n`);
    await writeFile(join(project, 'bad.ts'), drill.replace("kind: 'node'", "kind: 'nodejs'"));
    const tsc = [process.execPath, join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    expectSuccess(await run([...tsc, 'good.ts'], project), 'tsc good.ts');
    const bad = await run([...tsc, 'bad.ts'], project);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout).toMatch(/bad\.ts\(\d+,\d+\): error TS\d+: Type '"nodejs"' is not assignable/);
  });
});
