import { rmSync, unlinkSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RegisteredProcess {
  readonly name: string;
  readonly pid: number;
  /** The process group the component leads (detached), which stop() signals as a whole. */
  readonly pgid: number;
  readonly command: string;
}

export interface RunRegistryContent {
  readonly runId: string;
  /** The harness process that owns the run; a sweeper treats the run as dead once it is gone. */
  readonly ownerPid: number;
  readonly startedAt: string;
  readonly processes: readonly RegisteredProcess[];
  readonly tempDirs: readonly string[];
  /** The run's watchdog (run-watchdog.ts), which sweeps all this once the owner is gone. */
  readonly watchdogPid?: number;
}

/** Where run registries live: one small JSON file per running lab. */
export function runRegistryDir(): string {
  return join(tmpdir(), 'mtls-chaos-runs');
}

/**
 * A file on disk naming every process and temporary directory a run created, so that leftovers
 * of a harness that crashed (SIGKILL, power loss) can be found and removed later. Rewritten
 * atomically on each change; removed on a clean stop.
 */
export class RunRegistry {
  readonly path: string;
  private readonly processes = new Map<number, RegisteredProcess>();
  private readonly tempDirs = new Set<string>();
  private readonly startedAt = new Date().toISOString();
  private writes: Promise<void> = Promise.resolve();
  private removed = false;
  private watchdogPid: number | undefined;

  constructor(
    readonly runId: string,
    dir: string = runRegistryDir(),
  ) {
    if (!/^[A-Za-z0-9._-]+$/.test(runId)) throw new RangeError(`run id must be a file-name-safe token: ${runId}`);
    this.path = join(dir, `${runId}.json`);
  }

  addProcess(entry: RegisteredProcess): Promise<void> {
    this.processes.set(entry.pid, entry);
    return this.save();
  }

  removeProcess(pid: number): Promise<void> {
    this.processes.delete(pid);
    return this.save();
  }

  addTempDir(dir: string): Promise<void> {
    this.tempDirs.add(dir);
    return this.save();
  }

  setWatchdog(pid: number): Promise<void> {
    this.watchdogPid = pid;
    return this.save();
  }

  content(): RunRegistryContent {
    return {
      runId: this.runId,
      ownerPid: process.pid,
      startedAt: this.startedAt,
      processes: [...this.processes.values()],
      tempDirs: [...this.tempDirs],
      ...(this.watchdogPid === undefined ? {} : { watchdogPid: this.watchdogPid }),
    };
  }

  /**
   * Stop now (a second Ctrl-C): SIGKILL every registered process group and delete the temp
   * folders and this file, synchronously, without waiting for anything to exit gracefully.
   * The process groups come from this registry, never from matching names.
   */
  killNow(): { processGroups: number; tempDirs: number } {
    let processGroups = 0;
    for (const entry of this.processes.values()) {
      try {
        process.kill(-entry.pgid, 'SIGKILL');
        processGroups++;
      } catch {
        // already gone
      }
    }
    for (const dir of this.tempDirs) rmSync(dir, { recursive: true, force: true });
    this.removed = true;
    try {
      unlinkSync(this.path);
    } catch {
      // not written yet, or already removed
    }
    return { processGroups, tempDirs: this.tempDirs.size };
  }

  /** Deletes the file; later changes are not written again. */
  async remove(): Promise<void> {
    this.removed = true;
    await this.writes;
    await rm(this.path, { force: true });
  }

  private save(): Promise<void> {
    // Serialised so that an older snapshot never lands after a newer one.
    this.writes = this.writes.then(async () => {
      if (this.removed) return;
      const dir = join(this.path, '..');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const temporary = `${this.path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(this.content(), null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.path);
    });
    return this.writes;
  }
}
