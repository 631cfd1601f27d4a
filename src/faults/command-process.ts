import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';

/** How much of a command's output is kept: its first and its last bytes (what it began with, how it ended). */
export const COMMAND_OUTPUT_HEAD_BYTES = 2 * 1024;
export const COMMAND_OUTPUT_TAIL_BYTES = 6 * 1024;
/** After SIGTERM on a timeout, how long the command's process group has to exit before SIGKILL. */
export const COMMAND_KILL_GRACE_MS = 2_000;
/** After the command exits, how long its output may take to be read to the end. */
const OUTPUT_DRAIN_MS = 200;

export interface CommandSpec {
  /** argv[0] is looked up in PATH (or is a path, relative to cwd). */
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** Aborting it kills the command's process group as a timeout does (outcome `aborted`). */
  readonly signal?: AbortSignal;
}

export interface CommandOutcome {
  readonly durationMs: number;
  /** Absent when the command did not exit on its own (killed by a signal) or never started. */
  readonly exitCode?: number;
  /** The signal that ended it (SIGTERM/SIGKILL after a timeout). */
  readonly signal?: string;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** Why it never ran (e.g. "not found"). */
  readonly spawnError?: string;
  /** stdout and stderr interleaved as they came, bounded (the middle cut out, marked). */
  readonly output: string;
  /** Bytes the command wrote in all; more than `output` holds when it was cut. */
  readonly outputBytes: number;
}

/**
 * Runs one command in its own process group (detached: a Ctrl-C on the terminal reaches the
 * harness only, which then decides to heal), with stdin closed. On timeout or abort the whole
 * group gets SIGTERM, then SIGKILL after COMMAND_KILL_GRACE_MS, so a script's children go too.
 * If the harness exits meanwhile, the group is killed on the way out. A command that exits on
 * its own may leave background processes of its own running: that is its business (a script
 * that starts a service), as in a shell.
 */
export function runCommandProcess(spec: CommandSpec): Promise<CommandOutcome> {
  const startedAt = performance.now();
  const output = new BoundedOutput();
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(spec.argv[0]!, spec.argv.slice(1), { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the whole group is gone already
      }
    };
    const killOnExit = () => killGroup('SIGKILL');
    const stop = () => {
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), COMMAND_KILL_GRACE_MS);
    };
    const timeout = setTimeout(() => {
      timedOut = true;
      stop();
    }, spec.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    if (spec.signal?.aborted) onAbort();
    else spec.signal?.addEventListener('abort', onAbort, { once: true });
    process.on('exit', killOnExit);
    child.stdout.on('data', (chunk: Buffer) => output.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.add(chunk));
    let spawnError: string | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code === 'ENOENT' ? `not found: ${spec.argv[0]} (looked up in PATH, or relative to ${spec.cwd})` : error.code === 'EACCES' ? `not executable: ${spec.argv[0]}` : error.message;
    });
    // 'close' waits for stdout/stderr to end, which a background child holding them open would
    // delay forever: the command is over when its own process exits (or never started).
    let finished = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timeout);
      spec.signal?.removeEventListener('abort', onAbort);
      // After a kill, whatever is left of the group goes at once (a script's children).
      if (timedOut || aborted) killGroup('SIGKILL');
      if (killTimer) clearTimeout(killTimer);
      process.off('exit', killOnExit);
      // Output already written but not yet read: a short grace, then the pipes are let go.
      void untilEnded([child.stdout, child.stderr], OUTPUT_DRAIN_MS).then(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({
          durationMs: Math.round(performance.now() - startedAt),
          ...(exitCode === null ? {} : { exitCode }),
          ...(signal === null ? {} : { signal }),
          timedOut,
          aborted,
          ...(spawnError === undefined ? {} : { spawnError }),
          output: output.text(),
          outputBytes: output.bytes,
        });
      });
    };
    child.on('exit', finish);
    child.on('error', () => {
      if (child.pid === undefined) finish(null, null);
    });
  });
}

/** Resolves when every stream ended, or after `ms` (a background child may hold one open). */
function untilEnded(streams: readonly Readable[], ms: number): Promise<void> {
  const ended = streams.map((stream) => (stream.readableEnded ? Promise.resolve() : once(stream, 'end').then(() => undefined, () => undefined)));
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void Promise.all(ended).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Keeps the first and the last bytes of a stream, and counts the rest. */
class BoundedOutput {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  bytes = 0;

  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.headBytes < COMMAND_OUTPUT_HEAD_BYTES) {
      const taken = chunk.subarray(0, COMMAND_OUTPUT_HEAD_BYTES - this.headBytes);
      this.head.push(taken);
      this.headBytes += taken.length;
      chunk = chunk.subarray(taken.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    if (this.tailBytes > 2 * COMMAND_OUTPUT_TAIL_BYTES) this.trimTail();
  }

  text(): string {
    this.trimTail();
    const cut = this.bytes - this.headBytes - this.tailBytes;
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    return cut > 0 ? `${head}\n[... ${cut} bytes cut ...]\n${tail}` : `${head}${tail}`;
  }

  private trimTail(): void {
    if (this.tailBytes <= COMMAND_OUTPUT_TAIL_BYTES) return;
    const all = Buffer.concat(this.tail);
    this.tail = [all.subarray(all.length - COMMAND_OUTPUT_TAIL_BYTES)];
    this.tailBytes = COMMAND_OUTPUT_TAIL_BYTES;
  }
}
