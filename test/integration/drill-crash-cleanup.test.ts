import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../support/processes.js';
import { runCli } from '../support/run-cli.js';
import { TINY_DRILL, leftoverProcesses, leftoverTempDirs, readRegistries, resultOf, runAndSignal, type SignalledRun } from '../support/signal-run.js';

/**
 * SIGKILL of the harness in each phase of a real run. Alone (an OOM kill, `kill -9`), its
 * watchdog removes what it left within a few seconds. Together with the watchdog (a CI runner torn
 * down), `mtls-chaos cleanup` or the next `run` does: what the dead run left (its component
 * process groups, found through its registry on disk, and its temp folder with keys) is counted
 * before and after. nginx, because it outlives its parent (our forked node components exit when their IPC
 * channel closes), and because a gateway frozen by the fault cannot exit at all.
 */
const NGINX_DRILL = TINY_DRILL.replace('gateway: { kind: node }', 'gateway: { kind: nginx }');

interface Leftovers {
  readonly processes: number;
  readonly tempDirs: number;
  readonly keyFiles: number;
  readonly registries: number;
}

async function countLeftovers(run: SignalledRun): Promise<Leftovers> {
  const tempDirs = await leftoverTempDirs(run.tmp);
  let keyFiles = 0;
  for (const dir of tempDirs) {
    const files = await readdir(join(run.tmp, dir), { recursive: true }).catch(() => [] as string[]);
    keyFiles += files.filter((file) => file.endsWith('.key') || file.endsWith('key.pem')).length;
  }
  return { processes: leftoverProcesses(run.registered).length, tempDirs: tempDirs.length, keyFiles, registries: (await readRegistries(run.tmp)).length };
}

async function killed(
  trigger: { line: RegExp; afterMs: number },
  onFinished: (cleanup: () => void | Promise<void>) => void,
  extraArgs: string[] = [],
  alsoKillWatchdog = true,
): Promise<SignalledRun> {
  const run = await runAndSignal({ drill: NGINX_DRILL, onFinished, trigger, signals: ['SIGKILL'], extraArgs, alsoKillWatchdog });
  expect(run.exitSignal).toBe('SIGKILL');
  // Let the kernel finish the harness's exit; what survives it is what a crash leaves.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return run;
}

async function cleanUp(run: SignalledRun): Promise<string> {
  const cleanup = await runCli(['cleanup'], { env: run.env });
  expect(cleanup.exitCode, cleanup.stderr).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return cleanup.stdout;
}

const NOTHING: Leftovers = { processes: 0, tempDirs: 0, keyFiles: 0, registries: 0 };

describe.concurrent('SIGKILL of the harness and its watchdog, then mtls-chaos cleanup', () => {
  it('while the lab starts: the temp folder with keys (and nginx, if it had started) removed', async ({ onTestFinished }) => {
    const run = await killed({ line: /starting gateway\/nginx/, afterMs: 50 }, onTestFinished);
    const before = await countLeftovers(run);
    expect(before.tempDirs).toBe(1);
    expect(before.registries).toBeGreaterThanOrEqual(1);
    const output = await cleanUp(run);
    expect(output).toMatch(/cleaned [1-9] dead run\(s\)/);
    expect(await countLeftovers(run)).toEqual(NOTHING);
  }, 60_000);

  it('in the baseline: nginx and the keys outlive the harness; cleanup removes them', async ({ onTestFinished }) => {
    const run = await killed({ line: /load started/, afterMs: 500 }, onTestFinished);
    const before = await countLeftovers(run);
    expect(before.processes).toBeGreaterThanOrEqual(2); // nginx master + worker
    expect(before.tempDirs).toBe(1);
    expect(before.keyFiles).toBeGreaterThan(0);
    const output = await cleanUp(run);
    expect(output).toMatch(/cleaned [1-9] dead run\(s\): [1-9]\d* process group\(s\) killed, [1-9]\d* temp folder\(s\) removed/);
    expect(await countLeftovers(run)).toEqual(NOTHING);
    expect((await runCli(['cleanup'], { env: run.env })).stdout).toContain('nothing to clean');
  }, 60_000);

  it('with the gateway frozen by the fault (SIGSTOP): the stopped group is killed too', async ({ onTestFinished }) => {
    const run = await killed({ line: /fault gateway-pause: inject/, afterMs: 300 }, onTestFinished);
    const before = await countLeftovers(run);
    expect(before.processes).toBeGreaterThanOrEqual(2);
    expect(before.keyFiles).toBeGreaterThan(0);
    await cleanUp(run);
    expect(await countLeftovers(run)).toEqual(NOTHING);
  }, 60_000);

  it('in the recovery, with checkpoints: the measurements so far stay in result.json (status running), then cleanup', async ({ onTestFinished }) => {
    const run = await killed({ line: /fault gateway-pause: heal/, afterMs: 1_200 }, onTestFinished, ['--checkpoint-every', '1s']);
    // Written atomically every second: whole JSON, marked as a checkpoint, with the numbers up to it.
    const result = await resultOf(run.reportsDir);
    expect(result).toMatchObject({ status: 'running', verdict: 'fail', warnings: [expect.objectContaining({ code: 'RESULT_CHECKPOINT' })] });
    expect(result!.summary.attempts).toBeGreaterThan(20);
    expect(result!.faults[0]?.injectedAtMs).toBeDefined();
    expect(result!.timeline.length).toBeGreaterThanOrEqual(3);
    const before = await countLeftovers(run);
    expect(before.processes).toBeGreaterThanOrEqual(2);
    await cleanUp(run);
    expect(await countLeftovers(run)).toEqual(NOTHING);
  }, 60_000);
});

describe('SIGKILL of the harness and its watchdog, then the next run', () => {
  it('the next run sweeps the dead run before it starts', async ({ onTestFinished }) => {
    const run = await killed({ line: /load started/, afterMs: 300 }, onTestFinished);
    expect((await countLeftovers(run)).processes).toBeGreaterThanOrEqual(2);
    const next = await runCli(['run', join(run.tmp, '..', 'tiny.yaml'), '--duration', '1s', '--out', run.reportsDir, '--quiet'], { env: run.env });
    expect(next.stderr).toMatch(/cleaned up [1-9] dead run\(s\): [1-9]\d* process group\(s\), [1-9] temp folder\(s\)/);
    expect([0, 1]).toContain(next.exitCode);
    expect(await countLeftovers(run)).toEqual(NOTHING);
  }, 60_000);
});

describe('SIGKILL of the harness alone: its watchdog cleans up', () => {
  it('in the baseline: nginx, the temp folder with keys and the registries are gone within seconds, with no cleanup and no next run', async ({ onTestFinished }) => {
    const run = await killed({ line: /load started/, afterMs: 500 }, onTestFinished, [], false);
    const watchdogPid = run.registered.find((content) => content.watchdogPid !== undefined)?.watchdogPid;
    expect(watchdogPid).toBeGreaterThan(0);
    const deadline = Date.now() + 15_000;
    let left = await countLeftovers(run);
    while (JSON.stringify(left) !== JSON.stringify(NOTHING) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      left = await countLeftovers(run);
    }
    expect(left).toEqual(NOTHING);
    // Its work done, the watchdog is gone too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(isAlive(watchdogPid!)).toBe(false);
    expect((await runCli(['cleanup'], { env: run.env })).stdout).toContain('nothing to clean');
  }, 60_000);
});
