import { spawn } from 'node:child_process';
import { access, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RunRegistry } from '../../src/lab/index.js';
import { startPrometheus } from '../../src/observe/index.js';
import { LOOPBACK, listeningSockets } from '../support/listening-sockets.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function privateTmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-prometheus-process-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('a real Prometheus for drills (src/observe/prometheus-process.ts)', () => {
  it('listens on 127.0.0.1 only, and stop() leaves neither its process nor its data dir', async () => {
    const tmp = await privateTmp();
    const registry = new RunRegistry('prometheus-stop-test.run', join(tmp, 'runs'));
    const prometheus = await startPrometheus({ workDir: tmp, registry, signal: AbortSignal.timeout(60_000) });
    onTestFinished(() => prometheus.stop());
    expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Every socket it listens on (web UI, API, remote-write receiver) is the loopback one.
    const sockets = await listeningSockets([prometheus.pid]);
    expect(sockets.map((socket) => socket.address)).toEqual([new URL(prometheus.url).host]);
    for (const socket of sockets) expect(socket.address).toMatch(LOOPBACK);
    expect(await prometheus.query('vector(1)')).toEqual([{ labels: {}, value: 1 }]);
    expect(registry.content().processes.map((entry) => entry.pid)).toEqual([prometheus.pid]);
    await prometheus.stop();
    expect(alive(prometheus.pid)).toBe(false);
    expect(await exists(prometheus.dir)).toBe(false);
    expect(registry.content().processes).toEqual([]);
  });

  it('after its harness is killed (SIGKILL), `mtls-chaos cleanup` kills it and removes its data dir', async () => {
    const tmp = await privateTmp();
    const env = { ...process.env, TMPDIR: tmp };
    const harness = spawn(process.execPath, ['--import', 'tsx', 'test/support/hold-prometheus.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    harness.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      const deadline = Date.now() + 30_000;
      const check = () => {
        const match = /^ready (\d+) (.+)$/m.exec(stdout);
        if (match) resolve(match);
        else if (Date.now() > deadline || harness.exitCode !== null) reject(new Error(`Prometheus not started: ${stdout}`));
        else setTimeout(check, 100);
      };
      check();
    });
    const pid = Number(ready[1]);
    const dir = ready[2]!;
    onTestFinished(() => {
      if (alive(pid)) process.kill(-pid, 'SIGKILL');
    });
    harness.kill('SIGKILL');
    await new Promise((resolve) => harness.on('exit', resolve));
    // What a crash leaves: Prometheus (its own process group) and its data dir.
    expect(alive(pid)).toBe(true);
    expect(await exists(dir)).toBe(true);

    const cleanup = await runCli(['cleanup'], { env });
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toMatch(/cleaned 1 dead run\(s\): 1 process group\(s\) killed, 1 temp folder\(s\) removed/);
    const deadline = Date.now() + 5_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(pid)).toBe(false);
    expect(await exists(dir)).toBe(false);
    expect(await readdir(join(tmp, 'mtls-chaos-runs'))).toEqual([]);
  }, 90_000);
});
