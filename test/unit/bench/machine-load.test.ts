import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machineLoadBetween, parseLoadAverage, parseProcStatCpu, readMachineSnapshot } from '../../../src/bench/machine-load.js';

const stat = (user: number, idle: number, steal: number) => `cpu  ${user} 0 100 ${idle} 0 0 0 ${steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n`;

describe('machine load from /proc', () => {
  it('reads busy, steal and total from the aggregate cpu line, and the 1-minute load average', () => {
    expect(parseProcStatCpu(stat(1_000, 3_000, 50))).toEqual({ busy: 1_100, steal: 50, total: 4_150 });
    expect(parseProcStatCpu('intr 1 2 3\n')).toBeNull();
    expect(parseLoadAverage('6.21 2.28 0.88 9/217 19301\n')).toBe(6.21);
  });

  it('turns two snapshots into busy and steal percent of all cores over the window', () => {
    const start = { loadAverage: 1.5, cpu: parseProcStatCpu(stat(1_000, 3_000, 0)) };
    const end = { loadAverage: 3.25, cpu: parseProcStatCpu(stat(1_150, 3_030, 20)) };
    // 200 ticks: 150 busy, 30 idle, 20 steal.
    expect(machineLoadBetween(start, end, 2)).toEqual({ cores: 2, loadAverageStart: 1.5, loadAverageEnd: 3.25, cpuBusyPercent: 75, stealPercent: 10 });
  });

  it('says null, not 0, where /proc cannot be read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proc-'));
    try {
      await writeFile(join(dir, 'loadavg'), 'garbage');
      const snapshot = readMachineSnapshot(dir);
      expect(snapshot).toEqual({ loadAverage: null, cpu: null });
      expect(machineLoadBetween(snapshot, snapshot, 2)).toMatchObject({ cpuBusyPercent: null, stealPercent: null });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
