import { readdirSync, readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';

/** Alive = exists and is not a zombie (an orphan's zombie lingers until init reaps it). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Live processes whose environment carries `mark` (e.g. `MTLS_CHAOS_TEST_MARK=<unique>`): a CLI
 * started with it and every child it starts inherit it, so a count of 0 means nothing was left running.
 */
export async function processesMarked(mark: string): Promise<number> {
  let count = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if ((await readFile(`/proc/${pid}/environ`, 'latin1')).includes(mark)) count++;
    } catch {
      // gone while reading, or not ours to read
    }
  }
  return count;
}

/**
 * Pids of live processes whose command line names `dir` (a gateway started with its config or
 * prefix under it), and `program` too when given: what a lab in `dir` left running.
 */
export function processesUnder(dir: string, program?: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(dir) && (program === undefined || cmdline.includes(program)) && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
