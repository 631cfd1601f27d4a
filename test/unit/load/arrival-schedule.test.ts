import { describe, expect, it } from 'vitest';
import { arrivalTimesMs, peakRatePerSecond } from '../../../src/load/arrival-schedule.js';

describe('arrivalTimesMs', () => {
  it('spaces a constant rate evenly from the start, without drift', () => {
    const times = [...arrivalTimesMs({ kind: 'constant-rate', ratePerSecond: 3, durationMs: 10_000 })];
    expect(times).toHaveLength(30);
    times.forEach((at, index) => expect(at).toBeCloseTo((index * 1000) / 3, 9));
    expect(times.at(-1)!).toBeLessThan(10_000);
  });

  it('ramps up with the expected count per second', () => {
    const times = [...arrivalTimesMs({ kind: 'ramp', startRatePerSecond: 0, stages: [{ toRatePerSecond: 100, durationMs: 2_000 }] })];
    expect(times.filter((at) => at < 1_000)).toHaveLength(25);
    expect(times.filter((at) => at >= 1_000)).toHaveLength(75);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('ramps down and holds across stages, in order', () => {
    const times = [
      ...arrivalTimesMs({
        kind: 'ramp',
        startRatePerSecond: 100,
        stages: [
          { toRatePerSecond: 100, durationMs: 1_000 },
          { toRatePerSecond: 0, durationMs: 1_000 },
          { toRatePerSecond: 10, durationMs: 1_000 },
        ],
      }),
    ];
    const inSecond = (second: number) => times.filter((at) => at >= second * 1_000 && at < (second + 1) * 1_000).length;
    expect(inSecond(0)).toBe(100);
    expect(inSecond(1)).toBeGreaterThanOrEqual(49);
    expect(inSecond(1)).toBeLessThanOrEqual(51);
    expect(inSecond(2)).toBeGreaterThanOrEqual(4);
    expect(inSecond(2)).toBeLessThanOrEqual(6);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times.at(-1)!).toBeLessThan(3_000);
  });

  it('knows the peak rate', () => {
    expect(peakRatePerSecond({ kind: 'ramp', startRatePerSecond: 5, stages: [{ toRatePerSecond: 50, durationMs: 1 }, { toRatePerSecond: 1, durationMs: 1 }] })).toBe(50);
    expect(peakRatePerSecond({ kind: 'constant-rate', ratePerSecond: 7, durationMs: 1 })).toBe(7);
  });
});
