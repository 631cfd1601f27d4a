import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { command } from '../../src/faults/command.js';
import { COMMAND_KILL_GRACE_MS, COMMAND_OUTPUT_HEAD_BYTES, COMMAND_OUTPUT_TAIL_BYTES, runCommandProcess } from '../../src/faults/command-process.js';
import { FaultTimeline, type FaultContext } from '../../src/faults/index.js';
import type { RunResult } from '../../src/result/index.js';
import { isAlive } from '../support/processes.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';

/**
 * The command fault with real commands: what a team's inject and heal did is recorded (exit code,
 * duration, output); a failed inject marks the fault failed, a failed heal makes the run exit 2
 * with the command's output in the reports; a timeout leaves no process behind; Ctrl-C runs the heal.
 */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-command-fault-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function pidIn(file: string, waitMs = 2_500): Promise<number> {
  for (let tries = 0; tries < waitMs / 50; tries++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (/^\d+\s*$/.test(text)) return Number(text);
    await delay(50);
  }
  throw new Error(`no pid written to ${file}`);
}

const spec = (argv: string[], timeoutMs = 10_000, signal?: AbortSignal) => ({ argv, cwd: dir, env: process.env, timeoutMs, ...(signal ? { signal } : {}) });

describe('runCommandProcess', () => {
  it('records the exit code, the duration and stdout and stderr interleaved, in the given folder', async () => {
    const outcome = await runCommandProcess(spec(['sh', '-c', 'echo one; echo two >&2; sleep 0.2; pwd; exit 3']));
    expect(outcome).toMatchObject({ exitCode: 3, timedOut: false, aborted: false, output: `one\ntwo\n${dir}\n` });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(200);
    expect(outcome.outputBytes).toBe(outcome.output.length);
  });

  it('keeps the first and last bytes of a long output and says how much was cut', async () => {
    const outcome = await runCommandProcess(spec(['sh', '-c', 'echo FIRST; head -c 100000 /dev/zero | tr "\\0" x; echo; echo LAST']));
    expect(outcome.exitCode).toBe(0);
    expect(outcome.outputBytes).toBe(6 + 100_000 + 1 + 5);
    const cut = outcome.outputBytes - COMMAND_OUTPUT_HEAD_BYTES - COMMAND_OUTPUT_TAIL_BYTES;
    expect(outcome.output.startsWith('FIRST\nxxx')).toBe(true);
    expect(outcome.output.endsWith('xxx\nLAST\n')).toBe(true);
    expect(outcome.output).toContain(`\n[... ${cut} bytes cut ...]\n`);
    expect(Buffer.byteLength(outcome.output)).toBeLessThan(COMMAND_OUTPUT_HEAD_BYTES + COMMAND_OUTPUT_TAIL_BYTES + 100);
  });

  it('a timeout kills the whole process group: the command and what it started in the background', async () => {
    const pidFile = join(dir, 'background.pid');
    const outcome = await runCommandProcess(spec(['sh', '-c', `sleep 60 & echo $! > ${pidFile}; echo started; wait`], 500));
    expect(outcome).toMatchObject({ timedOut: true, output: 'started\n' });
    expect(outcome.exitCode).toBeUndefined();
    const background = await pidIn(pidFile);
    // The background sleep was reparented away from sh: only the group kill reaches it.
    for (let tries = 0; tries < 20 && isAlive(background); tries++) await delay(50);
    expect(isAlive(background)).toBe(false);
  });

  it('a command that ignores SIGTERM is killed with SIGKILL after the grace', async () => {
    const outcome = await runCommandProcess(spec(['sh', '-c', "trap '' TERM; echo stubborn; while :; do sleep 0.1; done"], 300));
    expect(outcome).toMatchObject({ timedOut: true, signal: 'SIGKILL', output: 'stubborn\n' });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(300 + COMMAND_KILL_GRACE_MS - 50);
  });

  it('an abort kills it as a timeout does; a program that does not exist is said so', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const aborted = await runCommandProcess(spec(['sleep', '30'], 10_000, controller.signal));
    expect(aborted).toMatchObject({ aborted: true, timedOut: false, signal: 'SIGTERM' });
    expect(aborted.durationMs).toBeLessThan(5_000);
    const missing = await runCommandProcess(spec(['no-such-program-mtls-chaos']));
    expect(missing.spawnError).toBe(`not found: no-such-program-mtls-chaos (looked up in PATH, or relative to ${dir})`);
    expect(missing.exitCode).toBeUndefined();
  });
});

describe('the command fault on the fault timeline', () => {
  const gateway = { host: '127.0.0.1', port: 8443, kind: 'node', servername: 'gateway.lab', pids: () => [process.pid] };

  /** Runs one command fault (inject at 0, heal at forMs) the way a run does, and returns its record. */
  async function runFault(options: Record<string, unknown>, control: { forMs?: number; abortAfterMs?: number } = {}) {
    const controller = new AbortController();
    const lines: string[] = [];
    const context = {
      lab: { gateway, replicas: [gateway] },
      log: (line: string) => lines.push(line),
      signal: controller.signal,
      runId: 'test-run',
      scenarioFile: join(dir, 'drill.yaml'),
    } as unknown as FaultContext;
    const timeline = new FaultTimeline([{ atMs: 0, forMs: control.forMs ?? 100, kind: 'command', options: command.options.parse(options) }]);
    timeline.start(context, performance.now());
    if (control.abortAfterMs !== undefined) {
      await delay(control.abortAfterMs);
      controller.abort();
    } else {
      await delay((control.forMs ?? 100) + 50);
    }
    await timeline.healAll(context);
    return { record: timeline.records()[0]!, lines };
  }

  it('inject and heal run in the scenario folder with the run facts in the environment; both recorded', async () => {
    const { record } = await runFault({
      inject: ['sh', '-c', 'echo "$MTLS_CHAOS_FAULT_STEP $MTLS_CHAOS_GATEWAY $MTLS_CHAOS_RUN_ID"; pwd; touch flag'],
      heal: 'rm flag',
    });
    expect(record.error).toBeUndefined();
    expect(record.mayBeLeftBroken).toBeUndefined();
    expect(record.commands).toEqual([
      expect.objectContaining({ step: 'inject', exitCode: 0, ok: true, output: `inject 127.0.0.1:8443 test-run\n${dir}\n`, timeoutMs: 30_000 }),
      expect.objectContaining({ step: 'heal', command: 'rm flag', exitCode: 0, ok: true, output: '' }),
    ]);
    await expect(stat(join(dir, 'flag'))).rejects.toThrow(/ENOENT/);
  });

  it('a failed inject marks the fault failed; the heal still runs (the inject may have half happened)', async () => {
    const { record } = await runFault({ inject: ['sh', '-c', 'echo half done; echo cannot reach the API >&2; exit 7'], heal: 'touch healed' });
    expect(record.error).toBe('inject failed: inject command exit 7 in ' + record.commands![0]!.durationMs + ' ms; its last line: cannot reach the API');
    expect(record.commands!.map((run) => [run.step, run.ok])).toEqual([
      ['inject', false],
      ['heal', true],
    ]);
    expect(record.mayBeLeftBroken).toBeUndefined();
    await stat(join(dir, 'healed'));
  });

  it('a failed heal says the system may be left broken', async () => {
    const { record, lines } = await runFault({ inject: 'true', heal: ['sh', '-c', 'echo restore failed >&2; exit 1'] });
    expect(record.mayBeLeftBroken).toBe(true);
    expect(record.error).toMatch(/^heal failed: heal command exit 1 in \d+ ms; its last line: restore failed$/);
    expect(lines.some((line) => line.startsWith('fault command: HEAL FAILED, the system may be left broken'))).toBe(true);
  });

  it('a heal that outlives its timeout is killed and counts as failed', async () => {
    const { record } = await runFault({ inject: 'true', heal: 'sleep 30', timeout: '300ms' });
    expect(record.mayBeLeftBroken).toBe(true);
    expect(record.commands![1]).toMatchObject({ step: 'heal', timedOut: true, ok: false });
    expect(record.error).toBe('heal failed: heal command timed out after 0.3 s (process group killed)');
  });

  it('an abort while the inject runs kills the inject, then runs the heal', async () => {
    const { record } = await runFault({ inject: ['sh', '-c', 'echo $$ > inject.pid; exec sleep 30'], heal: 'touch healed' }, { forMs: 20_000, abortAfterMs: 500 });
    expect(record.commands!.map((run) => [run.step, run.ok, run.aborted ?? false])).toEqual([
      ['inject', false, true],
      ['heal', true, false],
    ]);
    await stat(join(dir, 'healed'));
    expect(isAlive(await pidIn(join(dir, 'inject.pid')))).toBe(false);
  });
});

describe('mtls-chaos run with a command fault', () => {
  const scenario = (fault: string) => `name: command-drill
description: A command fault for the CLI.
lab: { gateway: { kind: node } }
load: { rate: 10/s, duration: 3s }
slos: [ "success.rate >= 99%" ]
faults:
  - ${fault}
`;

  async function onlyResult(out: string): Promise<{ runDir: string; result: RunResult }> {
    const [folder] = await readdir(out);
    const runDir = join(out, folder!);
    return { runDir, result: JSON.parse(await readFile(join(runDir, 'result.json'), 'utf8')) as RunResult };
  }

  it('a failed heal: exit 2, FAULT_HEAL_FAILED, the heal output on the console, in summary.md and report.html', async () => {
    const file = join(dir, 'heal-fails.yaml');
    await writeFile(file, scenario(`{ at: 1s, for: 1s, kind: command, inject: "echo swapped", heal: [sh, -c, "echo restore-cert: permission denied on /etc/gw/cert.pem >&2; exit 5"] }`));
    const out = join(dir, 'reports');
    const cli = await runCli(['run', file, '--out', out, '--quiet']);
    expect(cli.exitCode, cli.stderr).toBe(2);
    expect(cli.stdout).toContain('fault 1 heal: FAILED, exit 5 in');
    expect(cli.stdout).toContain('  | restore-cert: permission denied on /etc/gw/cert.pem');
    expect(cli.stdout).toMatch(/warning\[FAULT_HEAL_FAILED\]: .*THE SYSTEM MAY BE LEFT BROKEN/);
    const { runDir, result } = await onlyResult(out);
    expect(result.status).toBe('completed');
    expect(result.verdict).toBe('fail');
    expect(result.slos.every((slo) => slo.passed)).toBe(true);
    expect(result.warnings.map((warning) => warning.code)).toContain('FAULT_HEAL_FAILED');
    expect(result.faults[0]!.commands!.map((run) => [run.step, run.exitCode, run.output])).toEqual([
      ['inject', 0, 'swapped\n'],
      ['heal', 5, 'restore-cert: permission denied on /etc/gw/cert.pem\n'],
    ]);
    expect(await readFile(join(runDir, 'summary.md'), 'utf8')).toContain('```\nrestore-cert: permission denied on /etc/gw/cert.pem\n```');
    expect(await readFile(join(runDir, 'report.html'), 'utf8')).toContain('restore-cert: permission denied on /etc/gw/cert.pem');
  }, 60_000);

  it('Ctrl-C during the inject: the inject is killed, the heal runs, exit 130', async () => {
    const file = join(dir, 'interrupted.yaml');
    await writeFile(file, scenario(`{ at: 0s, for: 2s, kind: command, inject: [sh, -c, "echo $$ > inject.pid; exec sleep 60"], heal: [sh, -c, "echo healed > healed.marker"] }`).replace('duration: 3s', 'duration: 30s'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', file, '--out', join(dir, 'reports')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The CLI starts (tsx), builds its PKI and lab first: on a busy machine that takes seconds.
    const injectPid = await pidIn(join(dir, 'inject.pid'), 40_000).catch(async (error: unknown) => {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}; stderr: ${stderr}`);
    });
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(await readFile(join(dir, 'healed.marker'), 'utf8')).toBe('healed\n');
    expect(isAlive(injectPid)).toBe(false);
    const { result } = await onlyResult(join(dir, 'reports'));
    expect(result.status).toBe('aborted');
    expect(result.faults[0]!.commands!.map((run) => [run.step, run.ok, run.aborted ?? false])).toEqual([
      ['inject', false, true],
      ['heal', true, false],
    ]);
  }, 60_000);
});
