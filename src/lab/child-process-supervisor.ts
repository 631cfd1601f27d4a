import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LabError } from './lab-error.js';
import type { RunRegistry } from './run-registry.js';

const DEFAULT_STOP_GRACE_MS = 3_000;
const KILL_WAIT_MS = 2_000;
const POLL_MS = 20;

export type ProcessLaunch =
  | {
      readonly kind: 'fork';
      readonly modulePath: string;
      readonly execArgv?: readonly string[];
      readonly args?: readonly string[];
      /** A program that execs Node with execArgv (e.g. `unshare` with `--net -- node`); Node itself when omitted. */
      readonly execPath?: string;
    }
  | { readonly kind: 'spawn'; readonly command: string; readonly args?: readonly string[] };

export interface SuperviseOptions {
  /** Component name, used in log file names and errors. */
  readonly name: string;
  readonly launch: ProcessLaunch;
  /** stdout and stderr go to <logDir>/<name>.log. */
  readonly logDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Sent to the whole group first; SIGKILL follows after stopGraceMs. */
  readonly stopSignal?: NodeJS.Signals;
  readonly stopGraceMs?: number;
  readonly registry?: RunRegistry;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One child process in its own process group (detached), with its output in a log file.
 * Stopping signals the group, not the pid, so that whatever the component forked (nginx workers)
 * goes too, and waits until the group is empty.
 */
export class SupervisedProcess {
  private exitInfo: ExitInfo | undefined;
  private stopping: Promise<void> | undefined;
  readonly exited: Promise<ExitInfo>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly pid: number,
    readonly logFile: string,
    private readonly options: SuperviseOptions,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  static async start(options: SuperviseOptions): Promise<SupervisedProcess> {
    const logFile = join(options.logDir, `${options.name}.log`);
    const logFd = openSync(logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      const common = {
        // Own process group: Ctrl-C in the terminal reaches the harness only, which then stops
        // components in order (healing faults first) instead of them dying under it.
        detached: true,
        env: options.env ?? process.env,
        ...(options.cwd ? { cwd: options.cwd } : {}),
      };
      child =
        options.launch.kind === 'fork'
          ? fork(options.launch.modulePath, [...(options.launch.args ?? [])], {
              ...common,
              execArgv: [...(options.launch.execArgv ?? [])],
              ...(options.launch.execPath ? { execPath: options.launch.execPath } : {}),
              stdio: ['ignore', logFd, logFd, 'ipc'],
            })
          : spawn(options.launch.command, [...(options.launch.args ?? [])], {
              ...common,
              stdio: ['ignore', logFd, logFd],
            });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (error) {
      throw new LabError('E_LAB_START', `${options.name}: could not start: ${(error as Error).message}`, {
        hint: 'check that the program exists and is executable',
        cause: error,
      });
    } finally {
      // The child holds its own copy of the descriptor.
      closeSync(logFd);
    }
    const pid = child.pid!;
    const supervised = new SupervisedProcess(options.name, child, pid, logFile, options);
    // A crashed component must not take the harness down with an unhandled 'error' event.
    child.on('error', () => {});
    await options.registry?.addProcess({
      name: options.name,
      pid,
      pgid: pid,
      command: options.launch.kind === 'fork' ? options.launch.modulePath : options.launch.command,
    });
    return supervised;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  get exitStatus(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** Every live process of the component's group (the leader and what it forked). */
  groupPids(): number[] {
    return processGroupMembers(this.pid);
  }

  /** The last lines of the component's log, for error messages. */
  async tailLog(lines = 15): Promise<string> {
    return tailFile(this.logFile, lines);
  }

  /** Idempotent: signals the group, waits, escalates to SIGKILL, and always ends with an empty group. */
  stop(): Promise<void> {
    this.stopping ??= this.stopGroup();
    return this.stopping;
  }

  private async stopGroup(): Promise<void> {
    const grace = this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    signalGroup(this.pid, this.options.stopSignal ?? 'SIGTERM');
    if (!(await this.waitUntilGone(grace))) {
      signalGroup(this.pid, 'SIGKILL');
      await this.waitUntilGone(KILL_WAIT_MS);
    }
    // The group is empty of live processes; let Node reap the leader too, so that no zombie
    // with its pid is left and `exited` has settled when stop() resolves.
    await Promise.race([this.exited, delay(KILL_WAIT_MS)]);
    if (this.child.connected) this.child.disconnect();
    await this.options.registry?.removeProcess(this.pid);
  }

  private async waitUntilGone(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (groupAlive(this.pid)) {
      if (Date.now() >= deadline) return false;
      await delay(POLL_MS);
    }
    return true;
  }
}

/**
 * Races a component's readiness against its exit, a timeout and the abort signal; on anything
 * but readiness it throws E_LAB_START with the last lines of the component's log, because the
 * reason (a config error, a port in use) is almost always there.
 */
export async function awaitReady<T>(
  proc: SupervisedProcess,
  ready: Promise<T>,
  options: { timeoutMs: number; signal: AbortSignal; what: string },
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const failure = async (reason: string): Promise<never> => {
    // Give the log a moment to receive the child's last words.
    await delay(50);
    const tail = await proc.tailLog();
    throw new LabError('E_LAB_START', `${proc.name} (${options.what}) ${reason}${tail ? `; its log ends with:\n${tail}` : ''}`, {
      file: proc.logFile,
      hint: `see ${proc.logFile}`,
    });
  };
  try {
    return await Promise.race([
      ready,
      proc.exited.then((exit) =>
        failure(`exited before it was ready (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`})`),
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => failure(`was not ready within ${options.timeoutMs} ms`).catch(reject), options.timeoutMs);
      }),
      new Promise<never>((_, reject) => {
        onAbort = () => reject(options.signal.reason ?? new Error('aborted'));
        if (options.signal.aborted) onAbort();
        else options.signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal.removeEventListener('abort', onAbort);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // kill(-pgid, 0) also succeeds while members are zombies waiting to be reaped; only live members count.
  return processGroupMembers(pgid).length > 0;
}

/** Live (not zombie) members of a process group, from /proc (Linux). */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return isAliveBySignal(pgid) ? [pgid] : [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') members.push(Number(entry));
  }
  return members.sort((a, b) => a - b);
}

function isAliveBySignal(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readStat(pid: number): { state: string; ppid: number; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', ppid: Number(fields[1]), pgrp: Number(fields[2]) };
}

async function tailFile(path: string, lines: number): Promise<string> {
  const maxBytes = 16 * 1024;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    await handle.close();
  }
}
