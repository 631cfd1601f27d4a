import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchKnee, type StepVerdict } from '../../../src/bench/index.js';

/** A gateway whose capacity is exactly `capacity`: every rate at or below it passes. */
const curve = (capacity: number, limit: StepVerdict['limit'] = 'slo:success.rate >= 99%') => async (rate: number): Promise<StepVerdict> =>
  rate <= capacity ? { passed: true } : { passed: false, limit };

const options = { startRatePerSecond: 50, maxRatePerSecond: 5_000, resolution: 0.05, maxSteps: 30, repeatFailures: false };

describe('searchKnee', () => {
  it('ramps exponentially, bisects and confirms: 50, 100, 200, 400, 800 fails', async () => {
    const result = await searchKnee(options, curve(420));
    expect(result.steps.slice(0, 5).map((step) => [step.ratePerSecond, step.phase])).toEqual([
      [50, 'ramp'],
      [100, 'ramp'],
      [200, 'ramp'],
      [400, 'ramp'],
      [800, 'ramp'],
    ]);
    expect(result.steps.slice(5, -1).every((step) => step.phase === 'bisect')).toBe(true);
    expect(result.steps.at(-1)).toMatchObject({ phase: 'confirm', ratePerSecond: result.capacityPerSecond });
    expect(result.capacityPerSecond).toBeLessThanOrEqual(420);
    expect(result.capacityPerSecond).toBeGreaterThanOrEqual(420 * 0.95);
    expect(result).toMatchObject({ limitedBy: 'slo:success.rate >= 99%', confirmed: true, converged: true });
    expect(result.failingRatePerSecond! - result.capacityPerSecond).toBeLessThanOrEqual(0.05 * result.failingRatePerSecond!);
  });

  it('finds any capacity within the resolution (property over synthetic curves)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 5, max: 4_000 }), fc.constantFrom(0.02, 0.05, 0.1), async (capacity, resolution) => {
        const result = await searchKnee({ ...options, startRatePerSecond: 10, resolution }, curve(capacity));
        expect(result.capacityPerSecond).toBeLessThanOrEqual(capacity);
        // Rates are rounded to whole numbers from 20/s: allow one unit besides the resolution.
        expect(result.capacityPerSecond).toBeGreaterThanOrEqual(capacity * (1 - resolution) - 1);
        expect(result.steps.length).toBeLessThanOrEqual(30);
      }),
      { numRuns: 200 },
    );
  });

  it('reports max when every step passes up to --max, confirmed at the max', async () => {
    const result = await searchKnee({ ...options, maxRatePerSecond: 300 }, curve(10_000));
    expect(result.steps.map((step) => step.ratePerSecond)).toEqual([50, 100, 200, 300, 300]);
    expect(result).toMatchObject({ capacityPerSecond: 300, limitedBy: 'max', confirmed: true, failingRatePerSecond: undefined });
  });

  it('passes the failing step\'s limit through: a generator-bound knee says generator', async () => {
    const result = await searchKnee({ ...options, repeatFailures: true }, curve(150, 'generator'));
    expect(result.limitedBy).toBe('generator');
    expect(result.capacityPerSecond).toBeGreaterThanOrEqual(142);
    // With repeatFailures, each failing step ran twice before it counted.
    const failed = result.steps.filter((step) => !step.verdict.passed).map((step) => step.ratePerSecond);
    expect(failed.length).toBeGreaterThan(0);
    for (const rate of new Set(failed)) expect(failed.filter((each) => each === rate)).toHaveLength(2);
  });

  it('does not count a hiccup that a repeat of the step does not show', async () => {
    let hiccups = 0;
    const result = await searchKnee({ ...options, repeatFailures: true }, async (rate) => {
      if (rate === 200 && hiccups++ === 0) return { passed: false, limit: 'generator' };
      return rate <= 420 ? { passed: true } : { passed: false, limit: 'slo:success.rate >= 99%' };
    });
    expect(result.steps.slice(0, 5).map((step) => [step.ratePerSecond, step.verdict.passed])).toEqual([
      [50, true],
      [100, true],
      [200, false],
      [200, true],
      [400, true],
    ]);
    expect(result.limitedBy).toBe('slo:success.rate >= 99%');
  });

  it('goes below a capacity that fails its confirmation (noise at the knee)', async () => {
    let confirmations = 0;
    const result = await searchKnee(options, async (rate, phase) => {
      if (phase === 'confirm' && confirmations++ === 0) return { passed: false, limit: 'slo:handshake.p95 < 100ms' };
      return rate <= 420 ? { passed: true } : { passed: false, limit: 'slo:success.rate >= 99%' };
    });
    const confirms = result.steps.filter((step) => step.phase === 'confirm');
    expect(confirms).toHaveLength(2);
    expect(confirms[1]!.ratePerSecond).toBeLessThan(confirms[0]!.ratePerSecond);
    expect(result).toMatchObject({ confirmed: true, capacityPerSecond: confirms[1]!.ratePerSecond, limitedBy: 'slo:handshake.p95 < 100ms' });
    expect(result.failingRatePerSecond).toBe(confirms[0]!.ratePerSecond);
  });

  it('reports capacity 0 when even the lowest rates fail, bounded by the minimum rate', async () => {
    const result = await searchKnee(options, curve(0));
    expect(result.capacityPerSecond).toBe(0);
    expect(result.confirmed).toBe(false);
    expect(result.steps.every((step) => !step.verdict.passed)).toBe(true);
    expect(result.steps.at(-1)!.ratePerSecond).toBeGreaterThanOrEqual(0.5);
  });

  it('stops at maxSteps and says the step budget, not the gateway, ended the search', async () => {
    const result = await searchKnee({ ...options, maxSteps: 3 }, curve(10_000));
    expect(result.steps.map((step) => step.ratePerSecond)).toEqual([50, 100, 200]);
    expect(result.steps).toHaveLength(3);
    expect(result).toMatchObject({ limitedBy: 'steps', capacityPerSecond: 200, confirmed: false, converged: false });
  });

  it('refuses a start above the maximum or a resolution outside (0, 1)', async () => {
    await expect(searchKnee({ ...options, startRatePerSecond: 10_000 }, curve(1))).rejects.toThrow(RangeError);
    await expect(searchKnee({ ...options, resolution: 0 }, curve(1))).rejects.toThrow(RangeError);
  });

  it('stops at once when aborted', async () => {
    const controller = new AbortController();
    const search = searchKnee({ ...options, signal: controller.signal }, async (rate) => {
      if (rate >= 200) controller.abort();
      return { passed: true };
    });
    await expect(search).rejects.toThrow();
  });

  describe('noise', () => {
    /** A gateway of capacity 15/s seen through a generator that stalls: just below 15/s, every run fails by a stall's worth. */
    const stalledNear = (capacity: number, from: number) => async (rate: number): Promise<StepVerdict> => {
      if (rate > capacity * 1.1) return { passed: false, limit: 'slo:success.rate >= 95%' };
      if (rate >= from) return { passed: false, limit: 'slo:success.rate >= 95%', inconclusive: true };
      return { passed: true };
    };
    const noisy = { ...options, startRatePerSecond: 9, resolution: 0.08, repeatFailures: true };

    it('says noise, with the range, when the knee rests on failures a disturbance explains (the 9/s-for-15/s run)', async () => {
      const result = await searchKnee(noisy, stalledNear(15, 9.5));
      expect(result.limitedBy).toBe('noise');
      expect(result.noise).toBeDefined();
      expect(result.noise!.lowRatePerSecond).toBe(result.capacityPerSecond);
      // The lowest conclusive failure is the ramp's 18/s: the truth (15/s) lies in the range.
      expect(result.noise!.highRatePerSecond).toBe(18);
      expect(result.noise!.inconclusiveRates.length).toBeGreaterThan(0);
      expect(result.noise!.inconclusiveRates).toContain(result.failingRatePerSecond);
      // Each inconclusive rate was looked at three times before it counted as noisy.
      for (const rate of result.noise!.inconclusiveRates) expect(result.steps.filter((step) => step.ratePerSecond === rate)).toHaveLength(3);
    });

    it('keeps the knee when an inconclusive failure passes on a second look', async () => {
      let looks = 0;
      const result = await searchKnee(noisy, async (rate) => {
        if (rate === 13.5 && looks++ === 0) return { passed: false, limit: 'slo:success.rate >= 95%', inconclusive: true };
        return rate <= 15 ? { passed: true } : { passed: false, limit: 'slo:success.rate >= 95%' };
      });
      expect(result.limitedBy).toBe('slo:success.rate >= 95%');
      expect(result.noise).toBeUndefined();
      expect(result.capacityPerSecond).toBeGreaterThanOrEqual(15 * 0.92);
    });

    it('says noise when runs of a rate disagree conclusively at two rates', async () => {
      const seen = new Map<number, number>();
      const result = await searchKnee(noisy, async (rate) => {
        const count = (seen.get(rate) ?? 0) + 1;
        seen.set(rate, count);
        // The first run of every rate below 30/s fails outright, the second passes: a flapping gateway.
        if (rate < 30 && count === 1) return { passed: false, limit: 'slo:success.rate >= 95%' };
        return rate <= 30 ? { passed: true } : { passed: false, limit: 'slo:success.rate >= 95%' };
      });
      expect(result.limitedBy).toBe('noise');
      expect(result.noise!.disagreeingRates.length).toBeGreaterThanOrEqual(2);
    });

    it('notes one disagreement but keeps a knee the other steps agree on', async () => {
      let first = true;
      const result = await searchKnee(noisy, async (rate) => {
        if (rate === 18 && first) {
          first = false;
          return { passed: false, limit: 'slo:success.rate >= 95%' };
        }
        return rate <= 20 ? { passed: true } : { passed: false, limit: 'slo:success.rate >= 95%' };
      });
      expect(result.limitedBy).toBe('slo:success.rate >= 95%');
      expect(result.noise).toMatchObject({ disagreeingRates: [18], inconclusiveRates: [] });
      expect(result.capacityPerSecond).toBeGreaterThanOrEqual(20 * 0.92);
    });

    it('does not count a generator failure that a repeat passes as a disagreement, nor as the gateway refusing', async () => {
      const seen = new Map<number, number>();
      const result = await searchKnee(noisy, async (rate) => {
        const count = (seen.get(rate) ?? 0) + 1;
        seen.set(rate, count);
        if (count === 1 && rate <= 20) return { passed: false, limit: 'generator' };
        return rate <= 20 ? { passed: true } : { passed: false, limit: 'slo:success.rate >= 95%' };
      });
      expect(result.noise).toBeUndefined();
      expect(result.limitedBy).toBe('slo:success.rate >= 95%');
      expect(result.capacityPerSecond).toBeGreaterThanOrEqual(20 * 0.92);
    });

    it('never reports a precise knee below 85% of the truth when near-knee failures are inconclusive (property)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 10, max: 2_000 }), fc.double({ min: 0.5, max: 0.99, noNaN: true }), async (capacity, noisyFrom) => {
          const result = await searchKnee({ ...noisy, startRatePerSecond: Math.max(1, capacity / 4) }, stalledNear(capacity, capacity * noisyFrom));
          if (result.limitedBy !== 'noise') expect(result.capacityPerSecond).toBeGreaterThanOrEqual(capacity * 0.85);
          else expect(result.noise!.highRatePerSecond).toBeGreaterThan(capacity);
        }),
        { numRuns: 200 },
      );
    });
  });
});
