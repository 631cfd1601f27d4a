import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { REPO_ROOT } from '../../support/run-cli.js';

/**
 * runGuarded decides a process's exit code, so each case is its own node process: a small
 * script whose main does one thing. The whole CLI is exercised in
 * test/integration/cli-exit-guarantee.test.ts.
 */
async function runGuardedScript(main: string, prelude = ''): Promise<{ exitCode: number; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-guard-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const script = join(dir, 'main.mts');
  await writeFile(
    script,
    `${prelude}
import { runGuarded } from ${JSON.stringify(join(REPO_ROOT, 'src/cli/exit-guard.ts'))};
import { MtlsChaosError } from ${JSON.stringify(join(REPO_ROOT, 'src/errors.ts'))};
void MtlsChaosError;
runGuarded(async () => { ${main} }, { debug: false });
`,
  );
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, timeout: 60_000 }, (error, _stdout, stderr) => {
      resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr });
    });
  });
}

const SIGNAL_EXIT_3 = `import { createRequire } from 'node:module';
createRequire(import.meta.url)(${JSON.stringify(join(REPO_ROOT, 'node_modules/proper-lockfile/index.js'))});`;

describe('runGuarded', { timeout: 60_000 }, () => {
  it("keeps the command's own code once its work settled: 0, or 1 for a breached SLO", async () => {
    expect(await runGuardedScript('await new Promise((resolve) => setTimeout(resolve, 10));')).toEqual({ exitCode: 0, stderr: '' });
    expect(await runGuardedScript('process.exitCode = 1;')).toEqual({ exitCode: 1, stderr: '' });
  });

  it('a rejected main: its error line and exit 2', async () => {
    const result = await runGuardedScript("throw new MtlsChaosError('E_TEST', 'went wrong', { hint: 'do this' });");
    expect(result).toEqual({ exitCode: 2, stderr: 'error[E_TEST]: went wrong\n  hint: do this\n' });
  });

  it('work that never settles, with signal-exit 3 loaded: exit 2, not 0, and not 1 even if set before', async () => {
    const result = await runGuardedScript('process.exitCode = 1; await new Promise(() => {});', SIGNAL_EXIT_3);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error\[E_UNSETTLED\]: the command stopped before its work finished/);
  });

  it("an interrupt's exit code while the work is pending stays (130 after Ctrl-C)", async () => {
    const result = await runGuardedScript('setTimeout(() => process.exit(130), 10); await new Promise(() => {});', SIGNAL_EXIT_3);
    expect(result).toEqual({ exitCode: 130, stderr: '' });
  });
});
