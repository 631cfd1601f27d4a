import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeliverySchedule, describeToxic } from '../../../src/lab/index.js';

describe('DeliverySchedule', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delivers at once without a toxic', () => {
    expect(new DeliverySchedule().next(1_000, 100, undefined)).toBe(1_000);
  });

  it('holds each chunk latency ± jitter, never before the chunk read before it', () => {
    const schedule = new DeliverySchedule();
    const toxic = { kind: 'latency', latencyMs: 100, jitterMs: 20 } as const;
    // random 1 -> +20 ms, random 0 -> -20 ms: the second chunk would overtake the first.
    expect(schedule.next(0, 10, toxic, () => 1)).toBe(120);
    expect(schedule.next(5, 10, toxic, () => 0)).toBe(120);
    expect(schedule.next(50, 10, toxic, () => 0.5)).toBe(150);
  });

  it('never delivers before the chunk is read, whatever the jitter', () => {
    const schedule = new DeliverySchedule();
    expect(schedule.next(10, 1, { kind: 'latency', latencyMs: 5, jitterMs: 50 }, () => 0)).toBe(10);
  });

  it('paces chunks at the bandwidth: each takes bytes/rate after the previous one', () => {
    const schedule = new DeliverySchedule();
    const toxic = { kind: 'bandwidth', bytesPerSecond: 1_000 } as const;
    expect(schedule.next(0, 500, toxic)).toBe(500);
    expect(schedule.next(100, 500, toxic)).toBe(1_000);
    expect(schedule.next(5_000, 100, toxic)).toBe(5_100);
  });

  it('runs queued deliveries in the order they were queued, on one timer', () => {
    vi.useFakeTimers();
    let now = 0;
    const schedule = new DeliverySchedule(() => now);
    const delivered: string[] = [];
    schedule.enqueue(100.6, () => delivered.push('a'));
    schedule.enqueue(100.6, () => delivered.push('b'));
    schedule.enqueue(150, () => delivered.push('c'));
    expect(schedule.idle).toBe(false);
    now = 101;
    vi.advanceTimersByTime(101);
    expect(delivered).toEqual(['a', 'b']);
    now = 150;
    vi.advanceTimersByTime(49);
    expect(delivered).toEqual(['a', 'b', 'c']);
    expect(schedule.idle).toBe(true);
  });

  it('clear drops what is held', () => {
    vi.useFakeTimers();
    const schedule = new DeliverySchedule(() => 0);
    const delivered: string[] = [];
    schedule.enqueue(10, () => delivered.push('a'));
    schedule.clear();
    vi.advanceTimersByTime(20);
    expect(delivered).toEqual([]);
    expect(schedule.idle).toBe(true);
  });
});

describe('describeToxic', () => {
  it('names each toxic in one line', () => {
    expect(describeToxic({ kind: 'latency', latencyMs: 100, jitterMs: 20 })).toBe('latency 100 ms ± 20 ms');
    expect(describeToxic({ kind: 'partition', mode: 'refuse' })).toBe('partition (connections refused both ways)');
    expect(describeToxic({ kind: 'bandwidth', bytesPerSecond: 500 })).toBe('bandwidth 500 B/s');
  });
});
