import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { processGroupMembers } from '../../../src/lab/child-process-supervisor.js';
import { RunRegistry } from '../../../src/lab/index.js';

describe('RunRegistry.killNow (a second Ctrl-C)', () => {
  it('SIGKILLs every registered process group, children included, removes the temp folders and its file, synchronously', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-registry-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-registry-work-'));
    onTestFinished(() => rm(workDir, { recursive: true, force: true }));
    await writeFile(join(workDir, 'client.key'), 'not a real key', { mode: 0o600 });
    const registry = new RunRegistry('kill-now-test', join(root, 'runs'));
    await registry.addTempDir(workDir);
    // A leader that ignores SIGTERM and forks a child: what a graceful stop would wait on.
    const leaders = [0, 1].map(() =>
      spawn('sh', ['-c', "trap '' TERM; sleep 60 & sleep 60; wait"], { detached: true, stdio: 'ignore' }),
    );
    onTestFinished(() => leaders.forEach((leader) => leader.pid && processGroupMembers(leader.pid).forEach((pid) => process.kill(pid, 'SIGKILL'))));
    for (const leader of leaders) await registry.addProcess({ name: 'sleeper', pid: leader.pid!, pgid: leader.pid!, command: 'sh' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(leaders.every((leader) => processGroupMembers(leader.pid!).length >= 2)).toBe(true);

    expect(registry.killNow()).toEqual({ processGroups: 2, tempDirs: 1 });
    // Synchronous: the keys are gone the moment killNow returns.
    await expect(readdir(workDir)).rejects.toMatchObject({ code: 'ENOENT' });
    await Promise.all(leaders.map((leader) => new Promise((resolve) => (leader.exitCode !== null || leader.signalCode !== null ? resolve(undefined) : leader.once('exit', resolve)))));
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const leader of leaders) expect(processGroupMembers(leader.pid!)).toEqual([]);
    expect(await readdir(join(root, 'runs'))).toEqual([]);
  });
});
