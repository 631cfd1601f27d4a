import { describe, expect, it } from 'vitest';
import { FaultTimeline, type Fault, type FaultContext } from '../../../src/faults/index.js';
import type { AttemptRecord } from '../../../src/metrics/index.js';

const context = (): FaultContext => ({ log: () => undefined, signal: new AbortController().signal }) as unknown as FaultContext;

const watching: Fault = {
  kind: 'fake',
  describe: () => 'revoke client-1',
  effect: () => ({ category: 'cert_revoked', identity: 'client-1' }),
  inject: async () => undefined,
  heal: async () => undefined,
};

const attempt = (scheduledAtMs: number, totalMs: number, identity: string, category: AttemptRecord['category']): AttemptRecord => ({
  scheduledAtMs,
  startDelayMs: 0,
  totalMs,
  category,
  resumed: false,
  identity,
});

async function injectedTimeline(): Promise<FaultTimeline> {
  const timeline = new FaultTimeline([{ atMs: 0, forMs: 60_000, kind: 'fake', options: {} }], () => watching);
  timeline.start(context(), performance.now());
  await new Promise((resolve) => setTimeout(resolve, 20));
  return timeline;
}

describe('FaultTimeline effect timing', () => {
  it('records how long after the injection the first matching attempt ended', async () => {
    const timeline = await injectedTimeline();
    const injectedAtMs = timeline.records()[0]!.injectedAtMs!;
    timeline.observe(attempt(injectedAtMs + 100, 50, 'client-2', 'cert_revoked')); // another identity
    timeline.observe(attempt(injectedAtMs + 200, 50, 'client-1', 'ok')); // still cached
    timeline.observe(attempt(injectedAtMs + 1_900, 100, 'client-1', 'cert_revoked'));
    timeline.observe(attempt(injectedAtMs + 1_500, 300, 'client-1', 'cert_revoked')); // ended earlier, reported later
    timeline.observe(attempt(injectedAtMs + 3_000, 10, 'client-1', 'cert_revoked'));
    const { effect } = timeline.records()[0]!;
    expect(effect).toEqual({ category: 'cert_revoked', identity: 'client-1', afterMs: expect.closeTo(1_800, 6) });
    await timeline.healAll(context());
  });

  it('ignores attempts that ended before the injection or after the heal, and says when it never saw the effect', async () => {
    const timeline = await injectedTimeline();
    timeline.observe(attempt(-50, 10, 'client-1', 'cert_revoked'));
    await timeline.healAll(context());
    timeline.observe(attempt(100_000, 10, 'client-1', 'cert_revoked'));
    expect(timeline.records()[0]!.effect).toEqual({ category: 'cert_revoked', identity: 'client-1' });
  });

  it('records no effect for a fault that names none', async () => {
    const timeline = new FaultTimeline([{ atMs: 0, forMs: 10, kind: 'fake', options: {} }], () => ({ ...watching, effect: undefined }));
    timeline.start(context(), performance.now());
    await new Promise((resolve) => setTimeout(resolve, 20));
    timeline.observe(attempt(1, 1, 'client-1', 'cert_revoked'));
    expect(timeline.records()[0]!.effect).toBeUndefined();
    await timeline.healAll(context());
  });
});
