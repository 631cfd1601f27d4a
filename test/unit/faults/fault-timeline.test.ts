import { describe, expect, it } from 'vitest';
import { FaultTimeline, type Fault, type FaultContext, type TimelineEntry } from '../../../src/faults/index.js';

const entry = (atMs: number, forMs: number | undefined, kind = 'fake'): TimelineEntry => ({ atMs, forMs, kind, options: {} });

/** A fault that writes what happened to it into `events`. */
function recordingFault(name: string, events: string[], failInject = false): Fault {
  return {
    kind: 'fake',
    describe: () => `fake ${name}`,
    inject: async () => {
      events.push(`inject ${name}`);
      if (failInject) throw new Error('boom');
    },
    heal: async () => {
      events.push(`heal ${name}`);
    },
  };
}

const context = (): FaultContext => ({ log: () => undefined, signal: new AbortController().signal }) as unknown as FaultContext;

describe('FaultTimeline phases', () => {
  const timeline = new FaultTimeline([entry(5_000, 3_000), entry(6_000, 4_000)], () => recordingFault('x', []));

  it('is baseline before the first fault, fault while any is active, recovery after the last heal', () => {
    expect(timeline.phaseAt(0)).toBe('baseline');
    expect(timeline.phaseAt(4_999)).toBe('baseline');
    expect(timeline.phaseAt(5_000)).toBe('fault');
    expect(timeline.phaseAt(8_500)).toBe('fault'); // the second fault is still active
    expect(timeline.phaseAt(10_000)).toBe('recovery');
    expect(timeline.plannedHealMs()).toBe(10_000);
  });

  it('puts an attempt that overlapped a fault into the fault phase', () => {
    expect(timeline.phaseOfAttempt(4_500, 5_200)).toBe('fault'); // began before, ended inside
    expect(timeline.phaseOfAttempt(9_900, 11_000)).toBe('fault'); // began inside, ended after the heal
    expect(timeline.phaseOfAttempt(1_000, 1_010)).toBe('baseline');
    expect(timeline.phaseOfAttempt(10_500, 10_600)).toBe('recovery');
  });

  it('lists planned windows, merged', () => {
    expect(timeline.phaseWindows(20_000)).toEqual([
      { phase: 'baseline', startMs: 0, endMs: 5_000 },
      { phase: 'fault', startMs: 5_000, endMs: 10_000 },
      { phase: 'recovery', startMs: 10_000, endMs: 20_000 },
    ]);
  });

  it('has no recovery when a fault stays', () => {
    const staying = new FaultTimeline([entry(5_000, undefined)], () => recordingFault('x', []));
    expect(staying.phaseAt(60_000)).toBe('fault');
    expect(staying.plannedHealMs()).toBeUndefined();
  });

  it('is all baseline without faults', () => {
    const none = new FaultTimeline([]);
    expect(none.isEmpty).toBe(true);
    expect(none.phaseWindows(1_000)).toEqual([{ phase: 'baseline', startMs: 0, endMs: 1_000 }]);
  });
});

describe('FaultTimeline running', () => {
  it('injects and heals on the load clock, and records when', async () => {
    const events: string[] = [];
    const timeline = new FaultTimeline([entry(30, 40)], () => recordingFault('a', events));
    timeline.start(context(), performance.now());
    // Timers run late on a busy machine, never early: wait for both, up to 5 s.
    for (let waited = 0; events.length < 2 && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(['inject a', 'heal a']);
    const [record] = timeline.records();
    // Never early (timers only run late on a busy machine): inject at >= 30 ms, heal at >= 70 ms.
    expect(record!.injectedAtMs).toBeGreaterThanOrEqual(25);
    expect(record!.healedAtMs).toBeGreaterThanOrEqual(65);
    await timeline.healAll(context());
    expect(events).toEqual(['inject a', 'heal a']); // healed once only
  });

  it('heals what is active when the run ends early (abort), newest first, and never injects after', async () => {
    const events: string[] = [];
    let index = 0;
    const timeline = new FaultTimeline([entry(0, undefined), entry(10, 10_000), entry(5_000, 1_000)], () =>
      recordingFault(String(++index), events),
    );
    timeline.start(context(), performance.now());
    await new Promise((resolve) => setTimeout(resolve, 60));
    await timeline.healAll(context());
    expect(events).toEqual(['inject 1', 'inject 2', 'heal 2', 'heal 1']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(timeline.records().map((record) => record.injectedAtMs === undefined)).toEqual([false, false, true]);
  });

  it('heals only after a slow inject has finished', async () => {
    const events: string[] = [];
    const slow: Fault = {
      kind: 'fake',
      describe: () => 'slow',
      inject: async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        events.push('inject done');
      },
      heal: async () => {
        events.push('heal');
      },
    };
    const timeline = new FaultTimeline([entry(0, 10)], () => slow);
    timeline.start(context(), performance.now());
    for (let waited = 0; events.length < 2 && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(['inject done', 'heal']);
  });

  it('records a failed inject and still heals it', async () => {
    const events: string[] = [];
    const timeline = new FaultTimeline([entry(0, undefined)], () => recordingFault('bad', events, true));
    timeline.start(context(), performance.now());
    await new Promise((resolve) => setTimeout(resolve, 20));
    await timeline.healAll(context());
    expect(events).toEqual(['inject bad', 'heal bad']);
    expect(timeline.records()[0]!.error).toMatch(/inject failed: boom/);
  });
});

describe('FaultTimeline arm', () => {
  it('arms each fault when the load starts, before its inject; a failed arm is logged and the inject still runs', async () => {
    const events: string[] = [];
    const lines: string[] = [];
    const faults: Fault[] = [
      { ...recordingFault('a', events), arm: async () => void events.push('arm a') },
      { ...recordingFault('b', events), arm: async () => Promise.reject(new Error('no helper')) },
    ];
    let next = 0;
    const timeline = new FaultTimeline([entry(30, 10), entry(40, 10)], () => faults[next++]!);
    const armedContext = { log: (line: string) => lines.push(line), signal: new AbortController().signal } as unknown as FaultContext;
    timeline.start(armedContext, performance.now());
    expect(events).toEqual(['arm a']);
    await new Promise((resolve) => setTimeout(resolve, 120));
    await timeline.healAll(armedContext);
    expect(events.indexOf('arm a')).toBeLessThan(events.indexOf('inject a'));
    expect(events).toContain('inject b');
    expect(lines).toContain('fault fake: not ready ahead (no helper); inject will try again');
  });
});

describe('FaultTimeline: a heal that fails', () => {
  const failingHeal = (actsOutsideLab: boolean): Fault => ({
    kind: 'fake',
    describe: () => 'fake',
    ...(actsOutsideLab ? { actsOutsideLab: true } : {}),
    inject: async () => undefined,
    heal: async () => {
      throw new Error('cannot undo');
    },
    commands: () => [],
  });

  it.each([
    { actsOutsideLab: true, mayBeLeftBroken: true },
    { actsOutsideLab: false, mayBeLeftBroken: undefined },
  ])('outside the lab: $actsOutsideLab, the system may be left broken: $mayBeLeftBroken', async ({ actsOutsideLab, mayBeLeftBroken }) => {
    const timeline = new FaultTimeline([entry(0, 10)], () => failingHeal(actsOutsideLab));
    timeline.start(context(), performance.now());
    await new Promise((resolve) => setTimeout(resolve, 50));
    await timeline.healAll(context());
    const [record] = timeline.records();
    expect(record!.error).toBe('heal failed: cannot undo');
    expect(record!.mayBeLeftBroken).toBe(mayBeLeftBroken);
    // No commands ran: no empty list in the record.
    expect(record).not.toHaveProperty('commands');
  });
});
