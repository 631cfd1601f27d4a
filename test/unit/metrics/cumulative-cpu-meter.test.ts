import { describe, expect, it } from 'vitest';
import { CumulativeCpuMeter } from '../../../src/metrics/index.js';

describe('CumulativeCpuMeter (Docker stats readings)', () => {
  it('turns cumulative ns on the engine clock into percent of one core between readings', () => {
    const meter = new CumulativeCpuMeter();
    expect(meter.sample({ totalNs: 1e9, readAtMs: 10_000 })).toBeUndefined(); // no baseline yet
    expect(meter.sample({ totalNs: 1.5e9, readAtMs: 11_000 })).toBeCloseTo(50);
    expect(meter.sample({ totalNs: 3.5e9, readAtMs: 12_000 })).toBeCloseTo(200); // two cores busy
  });

  it('says nothing, rather than 0 %, when the stream has no newer reading since the last sample', () => {
    const meter = new CumulativeCpuMeter();
    meter.sample({ totalNs: 0, readAtMs: 1_000 });
    expect(meter.sample({ totalNs: 0, readAtMs: 1_000 })).toBeUndefined();
    expect(meter.sample(undefined)).toBeUndefined();
    // The next newer reading covers the whole interval since the previous one.
    expect(meter.sample({ totalNs: 2e8, readAtMs: 3_000 })).toBeCloseTo(10);
  });
});
