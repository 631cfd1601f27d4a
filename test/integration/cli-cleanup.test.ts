import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { killWatchdog } from '../support/signal-run.js';

let workDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-cleanup-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Live, non-zombie processes whose command line mentions `text`. */
async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      if ((await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes(text)) pids.push(Number(pid));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

describe('after the harness and its watchdog are killed (SIGKILL)', () => {
  it('mtls-chaos cleanup finds and removes the orphaned gateway and the temp folder with keys', async () => {
    // A private TMPDIR: this run's registry and temp folders, out of reach of other tests' sweeps.
    const privateTmp = join(workDir, 'tmp');
    await mkdir(privateTmp);
    const env = { ...process.env, TMPDIR: privateTmp };
    const file = join(workDir, 'long.yaml');
    // nginx, because it outlives its parent (our forked node components exit when their IPC channel closes).
    await writeFile(file, 'name: long\ndescription: killed mid-run\nlab:\n  gateway: { kind: nginx }\npki: { clients: 2 }\nload: { rate: 10/s, duration: 60s }\n');
    const harness = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', file, '--out', join(workDir, 'reports')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stderr = '';
    harness.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 30_000;
      const check = () => {
        if (/attempts [1-9]/.test(stderr)) resolve();
        else if (Date.now() > deadline) reject(new Error(`no load within 30 s: ${stderr}`));
        else setTimeout(check, 100);
      };
      check();
    });
    // The harness and its watchdog both, as when a machine is torn down: only the sweep is left.
    await killWatchdog(privateTmp);
    harness.kill('SIGKILL');
    await new Promise((resolve) => harness.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));

    // What a crash leaves: nginx (master + worker) and the run's temp folder with its keys.
    expect((await processesMentioning(privateTmp)).length).toBeGreaterThanOrEqual(1);
    const leftovers = (await readdir(privateTmp)).filter((name) => name.startsWith('mtls-chaos-') && name !== 'mtls-chaos-runs');
    expect(leftovers).toHaveLength(1);

    const cleanup = await runCli(['cleanup'], { env });
    expect(cleanup.exitCode).toBe(0);
    expect(cleanup.stdout).toMatch(/cleaned 2 dead run\(s\): [1-9]\d* process group\(s\) killed, [1-9]\d* temp folder\(s\) removed/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await processesMentioning(privateTmp)).toEqual([]);
    expect((await readdir(privateTmp)).filter((name) => name.startsWith('mtls-chaos-') && name !== 'mtls-chaos-runs')).toEqual([]);
    expect(await readdir(join(privateTmp, 'mtls-chaos-runs'))).toEqual([]);

    const again = await runCli(['cleanup'], { env });
    expect(again.stdout).toContain('nothing to clean');
  });
});
