import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-init-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

// Each CLI start compiles src/ through tsx: seconds apiece on 2 busy cores, three of them in one test.
describe('mtls-chaos init [dir]', { timeout: 90_000 }, () => {
  it('writes two drills that validate, a README for CI and a .gitignore for reports, then prints next steps', async () => {
    const result = await runCli(['init', 'starter'], { cwd: workDir });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect((await readdir(join(workDir, 'starter'))).sort()).toEqual(['.gitignore', 'README.md', 'my-drill.ts', 'my-drill.yaml']);
    expect(result.stdout).toMatch(/next steps:\n {2}cd starter\n {2}npx mtls-chaos validate my-drill\.yaml my-drill\.ts/);
    expect((await readFile(join(workDir, 'starter/.gitignore'), 'utf8')).split('\n')).toContain('reports/');
    const readme = await readFile(join(workDir, 'starter/README.md'), 'utf8');
    expect(readme).toContain('npx --yes mtls-chaos run my-drill.yaml');
    expect(readme).toMatch(/\| 1 \| an SLO breached/);

    // From inside the folder, as the README says: the TypeScript drill imports 'mtls-chaos', which is not installed there.
    const validate = await runCli(['validate', 'my-drill.yaml', 'my-drill.ts'], { cwd: join(workDir, 'starter') });
    expect(validate.stderr).toBe('');
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout).toMatch(/^ok my-drill\.yaml: my-drill: /m);
    expect(validate.stdout).toMatch(/^ok my-drill\.ts: my-ocsp-outage: .*1 fault/m);
  });

  it('refuses to overwrite: exit 2, E_INIT_EXISTS naming the file, --force in the hint, nothing changed', async () => {
    const drill = join(workDir, 'my-drill.yaml');
    await writeFile(drill, 'name: mine\n');
    const result = await runCli(['init'], { cwd: workDir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error\[E_INIT_EXISTS\]: my-drill\.yaml: already exists/);
    expect(result.stderr).toContain('--force');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(drill, 'utf8')).toBe('name: mine\n');
    expect((await readdir(workDir)).sort()).toEqual(['my-drill.yaml']);

    const forced = await runCli(['init', '--force'], { cwd: workDir });
    expect(forced.exitCode).toBe(0);
    expect(await readFile(drill, 'utf8')).toMatch(/^name: my-drill$/m);
  });

  it("adds reports/ to a folder's own .gitignore rather than refusing or replacing it", async () => {
    await writeFile(join(workDir, '.gitignore'), 'node_modules');
    const first = await runCli(['init', workDir]);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`added reports/ to ${join(workDir, '.gitignore')}`);
    const gitignore = await readFile(join(workDir, '.gitignore'), 'utf8');
    expect(gitignore).toMatch(/^node_modules\n(#.*\n)?reports\/\n$/);

    await rm(join(workDir, 'my-drill.yaml'));
    await rm(join(workDir, 'my-drill.ts'));
    await rm(join(workDir, 'README.md'));
    const second = await runCli(['init', workDir]);
    expect(second.stdout).toContain(`kept ${join(workDir, '.gitignore')}`);
    expect(await readFile(join(workDir, '.gitignore'), 'utf8')).toBe(gitignore);
  });

  it('a file where the folder should be: exit 2 with the path, no stack trace', async () => {
    await mkdir(join(workDir, 'sub'));
    await writeFile(join(workDir, 'sub/file'), '');
    const result = await runCli(['init', 'sub/file/drills'], { cwd: workDir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error\[E_[A-Z_]+\]: sub\/file\/drills\/my-drill\.yaml: .*not a folder/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
