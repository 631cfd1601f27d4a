import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * What the whole machine was doing during a step, from /proc: a knee measured while a neighbour
 * took a core (or the hypervisor took CPU time: steal) is a knee of a different machine. Linux
 * only; elsewhere every figure is null.
 */
export interface MachineLoad {
  readonly cores: number;
  /** /proc/loadavg's 1-minute figure when the measured window started and when it ended. */
  readonly loadAverageStart: number | null;
  readonly loadAverageEnd: number | null;
  /** Busy share of all cores over the window (everything but idle and iowait), percent. */
  readonly cpuBusyPercent: number | null;
  /** Time the hypervisor ran someone else while we were runnable, percent of all cores. */
  readonly stealPercent: number | null;
}

/** One reading of /proc: the 1-minute load average and the aggregate `cpu` line's counters. */
export interface MachineSnapshot {
  readonly loadAverage: number | null;
  readonly cpu: { readonly busy: number; readonly steal: number; readonly total: number } | null;
}

/** The aggregate line of /proc/stat: user nice system idle iowait irq softirq steal guest guest_nice. */
export function parseProcStatCpu(text: string): MachineSnapshot['cpu'] {
  const line = text.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (!line) return null;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  if (fields.length < 8 || fields.some((value) => !Number.isFinite(value))) return null;
  // guest and guest_nice are already counted in user and nice.
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields as [number, number, number, number, number, number, number, number];
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: user + nice + system + irq + softirq, steal, total };
}

export function parseLoadAverage(text: string): number | null {
  const value = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(value) ? value : null;
}

export function readMachineSnapshot(procRoot = '/proc'): MachineSnapshot {
  return { loadAverage: readProc(`${procRoot}/loadavg`, parseLoadAverage), cpu: readProc(`${procRoot}/stat`, parseProcStatCpu) };
}

/** The window between two snapshots. */
export function machineLoadBetween(start: MachineSnapshot, end: MachineSnapshot, cores = availableParallelism()): MachineLoad {
  const total = start.cpu && end.cpu ? end.cpu.total - start.cpu.total : 0;
  const share = (pick: (cpu: NonNullable<MachineSnapshot['cpu']>) => number) =>
    start.cpu && end.cpu && total > 0 ? Math.round(((pick(end.cpu) - pick(start.cpu)) / total) * 1_000) / 10 : null;
  return {
    cores,
    loadAverageStart: start.loadAverage,
    loadAverageEnd: end.loadAverage,
    cpuBusyPercent: share((cpu) => cpu.busy),
    stealPercent: share((cpu) => cpu.steal),
  };
}

function readProc<T>(path: string, parse: (text: string) => T | null): T | null {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}
