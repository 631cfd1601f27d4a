import { describe, expect, it } from 'vitest';
import { describeNoise } from '../../../src/bench/index.js';
import { fixtureBenchReport } from '../../support/bench-report-fixture.js';

describe('describeNoise', () => {
  const steps = fixtureBenchReport().steps;

  it('is null when every rate told one story on a steady machine', () => {
    expect(describeNoise(undefined, steps, { low: 400, high: 500 })).toBeNull();
  });

  it("names a change of the machine's other load between steps, with the range from the knee", () => {
    // Step 3: 2 cores 100% busy, the generator and gateway using well under one: a neighbour took a core.
    const loaded = steps.map((step) => (step.index === 2 ? { ...step, machine: { ...step.machine, cpuBusyPercent: 100 } } : step));
    const noise = describeNoise(undefined, loaded, { low: 400, high: 500 });
    expect(noise).toMatchObject({ lowRate: 400, highRate: 500, inconclusiveRates: [], disagreeingRates: [] });
    expect(noise!.reasons).toEqual([expect.stringMatching(/^the machine's other processes used 0\.\d\d cores in step \d and 1\.\d\d in step 3: its load changed during the search$/)]);
  });

  it('names each inconclusive rate with the evidence of its runs, and each disagreement with its runs', () => {
    const marked = steps.map((step) => (step.offeredRate === 500 ? { ...step, inconclusive: true, noiseReasons: ['the generator stalled up to 140 ms'] } : step));
    const noise = describeNoise({ inconclusiveRates: [500], disagreeingRates: [400], lowRatePerSecond: 400, highRatePerSecond: 600 }, marked, { low: 0, high: 0 });
    expect(noise!.reasons).toEqual([
      '500/s failed 1 time, each time by no more than its disturbance explains: the generator stalled up to 140 ms',
      'runs at 400/s disagreed: pass, pass',
    ]);
    expect(noise).toMatchObject({ lowRate: 400, highRate: 600 });
  });
});
