import { describe, expect, it } from 'vitest';
import { k6Duration, k6LoadPhases } from '../../../src/k6/index.js';
import { syntheticDrills } from '../../support/k6-synthetic-drills.js';

describe('k6LoadPhases', () => {
  const [ramp, concurrency] = syntheticDrills();

  it('cuts a ramp at the phase boundaries, rates in a time unit that makes them whole', () => {
    const phases = k6LoadPhases(ramp!);
    expect(phases.map((phase) => [phase.name, phase.startMs, phase.endMs])).toEqual([
      ['baseline', 0, 5_000],
      ['fault', 5_000, 15_000],
      ['recovery', 15_000, 30_000],
    ]);
    // 0.5/s needs a 10 s unit: every rate is per 10 s.
    expect(phases[0]!.config).toMatchObject({ executor: 'ramping-arrival-rate', timeUnit: '10s', startRate: 100, stages: [{ target: 325, duration: '5s' }], startTime: '0s', tags: { phase: 'baseline' } });
    expect(phases[1]!.config).toMatchObject({ startRate: 325, stages: [{ target: 775, duration: '10s' }], startTime: '5s' });
    expect(phases[2]!.config).toMatchObject({ startRate: 775, stages: [{ target: 1000, duration: '5s' }, { target: 5, duration: '10s' }], startTime: '15s' });
    expect(phases[1]!.config['maxVUs']).toBeGreaterThanOrEqual(phases[1]!.config['preAllocatedVUs'] as number);
  });

  it('concurrency becomes constant VUs over the whole load when there is no fault', () => {
    expect(k6LoadPhases(concurrency!)).toEqual([
      { name: 'baseline', phase: 'baseline', startMs: 0, endMs: 30_000, config: { executor: 'constant-vus', vus: 8, duration: '30s', startTime: '0s', gracefulStop: '5s', tags: { phase: 'baseline' } } },
    ]);
  });

  it('writes Go durations', () => {
    expect([k6Duration(30_000), k6Duration(1_500), k6Duration(0)]).toEqual(['30s', '1500ms', '0s']);
  });
});
