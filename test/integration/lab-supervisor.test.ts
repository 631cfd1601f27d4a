import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { awaitReady, SupervisedProcess } from '../../src/lab/child-process-supervisor.js';
import { findNginx, LabError, RunRegistry, startLab } from '../../src/lab/index.js';
import { buildLabPki } from '../../src/pki/index.js';
import { isAlive } from '../support/processes.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-supervisor-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function shell(script: string, options: { stopGraceMs?: number; registry?: RunRegistry } = {}): Promise<SupervisedProcess> {
  const proc = await SupervisedProcess.start({
    name: 'test-shell',
    launch: { kind: 'spawn', command: '/bin/sh', args: ['-c', script] },
    logDir: await tempDir(),
    ...options,
  });
  cleanups.push(() => proc.stop());
  return proc;
}

describe('child process supervisor', () => {
  it('names the component and quotes its log when it dies before it is ready', async () => {
    const proc = await shell('echo "bind() to 127.0.0.1:4443 failed (98: Address already in use)"; exit 3');
    const error = await awaitReady(proc, new Promise(() => {}), {
      timeoutMs: 5_000,
      signal: new AbortController().signal,
      what: 'gateway/test on 127.0.0.1:4443',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LabError);
    expect(error).toMatchObject({ code: 'E_LAB_START' });
    expect((error as Error).message).toContain('test-shell (gateway/test on 127.0.0.1:4443) exited before it was ready (exit code 3)');
    expect((error as Error).message).toContain('Address already in use');
  });

  it('gives up waiting after the timeout', async () => {
    const proc = await shell('echo starting; sleep 30');
    const started = Date.now();
    await expect(
      awaitReady(proc, new Promise(() => {}), { timeoutMs: 300, signal: new AbortController().signal, what: 'slow thing' }),
    ).rejects.toMatchObject({ code: 'E_LAB_START', message: expect.stringContaining('was not ready within 300 ms') });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops the whole process group, escalating to SIGKILL when SIGTERM is ignored', async () => {
    const proc = await shell("trap '' TERM; sleep 30 & sleep 30 & wait", { stopGraceMs: 300 });
    await delay(200);
    const members = proc.groupPids();
    expect(members.length).toBeGreaterThanOrEqual(3);
    await proc.stop();
    for (const pid of members) expect(isAlive(pid), `pid ${pid}`).toBe(false);
    await proc.stop(); // idempotent
  });

  it('lists running processes in the run registry file and removes them on stop', async () => {
    const registry = new RunRegistry(`supervisor-test-${process.pid}`, await tempDir());
    const proc = await shell('sleep 30', { registry });
    const content = JSON.parse(await readFile(registry.path, 'utf8')) as { processes: { pid: number; pgid: number }[]; ownerPid: number };
    expect(content.ownerPid).toBe(process.pid);
    expect(content.processes).toEqual([expect.objectContaining({ pid: proc.pid, pgid: proc.pid })]);
    await proc.stop();
    expect((JSON.parse(await readFile(registry.path, 'utf8')) as { processes: unknown[] }).processes).toEqual([]);
    await registry.remove();
    await expect(stat(registry.path)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('startLab', () => {
  it('stops what it started and rethrows when aborted half-way', async () => {
    const pki = await buildLabPki();
    const workDir = await tempDir();
    const controller = new AbortController();
    const registryDir = await tempDir();
    const lines: string[] = [];
    const pending = startLab({ gateway: { kind: 'node' }, ocspResponder: { kind: 'builtin' } }, pki, {
      workDir,
      signal: controller.signal,
      runId: 'abort-test',
      registryDir,
      log: (line) => {
        lines.push(line);
        // Abort as soon as the responder is up, while the gateway is starting.
        if (line.startsWith('ocsp/builtin ready')) controller.abort(new Error('test abort'));
      },
    });
    await expect(pending).rejects.toThrow('test abort');
    expect(lines).toContain('stopped ocsp-builtin');
    await expect(stat(join(registryDir, 'abort-test.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    // Keys do not outlive the lab.
    await expect(stat(join(workDir, 'pki'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says how to install nginx when it is missing', () => {
    expect(() => findNginx('', [])).toThrow(expect.objectContaining({ code: 'E_LAB_NGINX_MISSING', hint: expect.stringContaining('apt-get install nginx') }));
  });

  it('works with await using', async () => {
    const pki = await buildLabPki();
    let pid = 0;
    {
      await using lab = await startLab({ gateway: { kind: 'node' } }, pki, {
        workDir: await tempDir(),
        signal: AbortSignal.timeout(20_000),
        runId: 'dispose-test',
        registryDir: await tempDir(),
      });
      pid = lab.gateway.pids()[0]!;
      expect(isAlive(pid)).toBe(true);
    }
    expect(isAlive(pid)).toBe(false);
  });
});
