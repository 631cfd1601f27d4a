import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { runRegistryDir, type RunRegistryContent } from './run-registry.js';
import { processExists } from './process-exists.js';

export interface SweepReport {
  /** Runs whose owner was gone and whose leftovers were removed. */
  readonly runs: number;
  readonly processes: number;
  readonly tempDirs: number;
}

/**
 * Removes what dead runs left behind: the process groups of their components, their temp
 * folders (with keys) and their registry files. A run is dead when the harness process that owns
 * it is gone, e.g. after SIGKILL or a crash. Processes are matched by pid AND command line, so a
 * pid the kernel has since given to an unrelated program is never signalled; only temp folders
 * of ours (mtls-chaos-* in the temp dir) are removed.
 */
export async function sweepDeadRuns(dir: string = runRegistryDir()): Promise<SweepReport> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((file) => file.endsWith('.json'));
  } catch {
    return { runs: 0, processes: 0, tempDirs: 0 };
  }
  let runs = 0;
  let processes = 0;
  let tempDirs = 0;
  for (const file of files) {
    const path = join(dir, file);
    let content: RunRegistryContent;
    try {
      content = JSON.parse(await readFile(path, 'utf8')) as RunRegistryContent;
    } catch {
      continue; // being written, or not ours
    }
    if (processExists(content.ownerPid)) continue;
    runs++;
    for (const entry of content.processes) {
      // The pid may have been reused, even by a component of a live run (same module path):
      // only a command line that names this run's own folder identifies our process.
      const commandLine = processExists(entry.pid) ? await commandLineOf(entry.pid) : '';
      if (!commandLine.includes(entry.command) || !content.tempDirs.some((dir) => commandLine.includes(dir))) continue;
      try {
        process.kill(-entry.pgid, 'SIGKILL');
        processes++;
      } catch {
        // exited meanwhile
      }
    }
    for (const tempDir of content.tempDirs) {
      if (!isOurTempDir(tempDir)) continue;
      await rm(tempDir, { recursive: true, force: true });
      tempDirs++;
    }
    await rm(path, { force: true });
  }
  return { runs, processes, tempDirs };
}


async function commandLineOf(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function isOurTempDir(path: string): boolean {
  const absolute = resolve(path);
  return absolute.startsWith(`${resolve(tmpdir())}${sep}mtls-chaos-`) && !absolute.slice(resolve(tmpdir()).length + 1).includes(sep);
}
