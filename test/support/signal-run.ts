import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processGroupMembers } from '../../src/lab/child-process-supervisor.js';
import type { RunRegistryContent } from '../../src/lab/index.js';
import type { RunResult } from '../../src/result/index.js';
import { REPO_ROOT } from './run-cli.js';

/**
 * A tiny drill for abort and crash tests: 1.5 s baseline, a 1.5 s gateway-pause (the worst case
 * for stopping: attempts hang on a frozen gateway), 3 s of recovery. Short, so that a matrix of
 * runs fits in a minute or two.
 */
export const TINY_DRILL = `name: tiny
description: A tiny drill for abort tests.
lab:
  gateway: { kind: node }
pki: { clients: 1 }
load: { rate: 20/s, duration: 6s, timeout: 1s }
faults:
  - { at: 1500ms, for: 1500ms, kind: gateway-pause }
`;

/** When to send the signal: `afterMs` after the first stderr line matching `line`. */
export interface Trigger {
  readonly line: RegExp;
  readonly afterMs: number;
}

export interface SignalledRun {
  readonly exitCode: number | null;
  readonly exitSignal: NodeJS.Signals | null;
  /** From the (first) signal to the harness's exit. */
  readonly signalToExitMs: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The run registries on disk at the moment of the signal: what the run had started. */
  readonly registered: readonly RunRegistryContent[];
  /** The run's private TMPDIR: registries and temp folders with keys live there. */
  readonly tmp: string;
  readonly reportsDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Runs `mtls-chaos run` on a drill as a real child process with its own TMPDIR (so that its
 * registry and temp folders are out of reach of other tests' sweeps), sends `signals` once
 * `trigger` fires, and waits for the exit. Everything is removed when the test finishes.
 */
export async function runAndSignal(options: {
  /** The test's own onTestFinished (from its context: these tests run concurrently). */
  readonly onFinished: (cleanup: () => void | Promise<void>) => void;
  readonly drill?: string;
  readonly trigger: Trigger;
  /** Sent in order, `gapMs` apart. */
  readonly signals: readonly NodeJS.Signals[];
  readonly gapMs?: number;
  readonly extraArgs?: readonly string[];
  /** Before the trigger fires. */
  readonly startTimeoutMs?: number;
  /**
   * SIGKILL the run's watchdog (named in its registry) before the signals: a machine or a CI
   * runner torn down takes both, and only the next run's sweep or `cleanup` is left to act.
   */
  readonly alsoKillWatchdog?: boolean;
  /** Runs when the trigger fires, before the signals: a look inside the running lab. */
  readonly beforeSignal?: (tmp: string, harnessPid: () => number | undefined) => Promise<void>;
}): Promise<SignalledRun> {
  const release = await harnessSlot();
  options.onFinished(release);
  const root = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-signal-'));
  options.onFinished(() => rm(root, { recursive: true, force: true }));
  const tmp = join(root, 'tmp');
  await mkdir(tmp);
  // tsx keeps its compile cache in TMPDIR; sharing the warm one saves seconds of CPU per run.
  // (If tsx names it differently one day, runs just start slower.)
  const tsxCache = `tsx-${process.getuid?.() ?? 0}`;
  await symlink(join(tmpdir(), tsxCache), join(tmp, tsxCache)).catch(() => undefined);
  const file = join(root, 'tiny.yaml');
  await writeFile(file, options.drill ?? TINY_DRILL);
  const reportsDir = join(root, 'reports');
  const env = { ...process.env, TMPDIR: tmp };
  const harness = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', file, '--out', reportsDir, ...(options.extraArgs ?? [])], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  options.onFinished(() => {
    if (harness.exitCode === null && harness.signalCode === null) harness.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  harness.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => harness.on('exit', (code, signal) => resolve({ code, signal })));
  const fired = new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => reject(new Error(`trigger ${options.trigger.line} not seen within the start timeout; stderr:\n${stderr}`)), options.startTimeoutMs ?? 45_000);
    harness.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (timer === undefined && options.trigger.line.test(stderr)) {
        clearTimeout(deadline);
        timer = setTimeout(resolve, options.trigger.afterMs);
      }
    });
    void exited.then(() => {
      clearTimeout(deadline);
      reject(new Error(`the run exited before the trigger ${options.trigger.line}; stderr:\n${stderr}`));
    });
  });
  await fired;
  const registered = await readRegistries(tmp);
  if (options.alsoKillWatchdog) await killWatchdog(tmp);
  await options.beforeSignal?.(tmp, () => harness.pid);
  const signalledAt = performance.now();
  for (const [index, signal] of options.signals.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, options.gapMs ?? 100));
    harness.kill(signal);
  }
  const exit = await exited;
  return {
    exitCode: exit.code,
    exitSignal: exit.signal,
    signalToExitMs: performance.now() - signalledAt,
    stdout,
    stderr,
    registered,
    tmp,
    reportsDir,
    env,
  };
}

/** At most this many harnesses at once: a 2-core machine shared with other suites. */
const MAX_HARNESSES = 3;
let running = 0;
const waiting: (() => void)[] = [];

async function harnessSlot(): Promise<() => void> {
  if (running >= MAX_HARNESSES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    running--;
    waiting.shift()?.();
  };
}

/**
 * SIGKILLs the watchdog of the one run whose registries are in this TMPDIR, before a test kills its
 * harness: what a torn-down machine does, leaving the leftovers for the sweeps. Returns its pid.
 */
export async function killWatchdog(tmp: string): Promise<number> {
  const watchdogs = (await readRegistries(tmp)).flatMap((content) => (content.watchdogPid === undefined ? [] : [content.watchdogPid]));
  if (watchdogs.length !== 1) throw new Error(`expected the run's registry to name one watchdog, found ${watchdogs.length}`);
  process.kill(watchdogs[0]!, 'SIGKILL');
  return watchdogs[0]!;
}

export async function readRegistries(tmp: string): Promise<RunRegistryContent[]> {
  const dir = join(tmp, 'mtls-chaos-runs');
  const files = await readdir(dir).catch(() => [] as string[]);
  const contents: RunRegistryContent[] = [];
  for (const file of files.filter((name) => name.endsWith('.json'))) {
    try {
      contents.push(JSON.parse(await readFile(join(dir, file), 'utf8')) as RunRegistryContent);
    } catch {
      // replaced while we read it
    }
  }
  return contents;
}

/** Live processes in any process group a registry named: what the run left behind. */
export function leftoverProcesses(registered: readonly RunRegistryContent[]): number[] {
  return registered.flatMap((content) => content.processes.flatMap((entry) => processGroupMembers(entry.pgid)));
}

/** Temp folders of runs (mtls-chaos-<runId>-*) still in the private TMPDIR. */
export async function leftoverTempDirs(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => name.startsWith('mtls-chaos-') && name !== 'mtls-chaos-runs');
}

/** The result.json of the run's report folder, if one was written. */
export async function resultOf(reportsDir: string): Promise<RunResult | undefined> {
  const runs = await readdir(reportsDir).catch(() => [] as string[]);
  if (runs.length === 0) return undefined;
  try {
    return JSON.parse(await readFile(join(reportsDir, runs[0]!, 'result.json'), 'utf8')) as RunResult;
  } catch {
    return undefined;
  }
}
