import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/duration.js';
import { checkLoadProfile } from '../../../src/load/index.js';
import { validateScenario } from '../../../src/scenario/index.js';
import { parseSlo } from '../../../src/slo/index.js';
import { validInput } from './scenario-fixtures.js';

const HUGE = '9'.repeat(400);

/** A scenario with `load` and `slos` replaced. */
function scenarioWith(load: Record<string, unknown>, slos: unknown[] = ['success.rate >= 99%']) {
  return { ...validInput(), load, slos };
}

describe('numbers that overflow or round to nothing are exit 2 naming the field', () => {
  it.each([
    ['a duration that overflows to Infinity', { rate: '10/s', duration: `${HUGE}s` }, ['load', 'duration'], /too large to be a number/],
    ['a timeout that overflows to Infinity', { rate: '10/s', duration: '5s', timeout: `${HUGE}ms` }, ['load', 'timeout'], /too large to be a number/],
    ['a duration under a millisecond', { rate: '10/s', duration: '0.0000001ms' }, ['load', 'duration'], /at least 1ms, got "0.0000001ms": it rounds to nothing/],
    ['a rate that offers less than one attempt', { rate: '0.0000001/h', duration: '5s' }, ['load', 'rate'], /at least one attempt, got 1\.39e-10 attempts over 5s/],
    ['a denormal rate (1000 / rate is Infinity)', { rate: `0.${'0'.repeat(309)}1/s`, duration: '5s' }, ['load', 'rate'], /at least one attempt/],
    ['a ramp that offers less than one attempt', { ramp: { from: '0/s', stages: [{ to: '0.001/s', over: '1s' }] } }, ['load', 'ramp'], /at least one attempt, got 0\.0005 attempts over 1s/],
  ])('%s', (_name, load, path, message) => {
    expect(() => validateScenario(scenarioWith(load), 'n.yaml')).toThrow(expect.objectContaining({ code: 'E_SCENARIO_FIELD', file: 'n.yaml', path, message: expect.stringMatching(message) }));
  });

  it('an SLO threshold that overflows to Infinity (it was written as null in result.json)', () => {
    for (const slo of [`handshake.p95 < ${HUGE}ms`, `handshake.p95 < ${'9'.repeat(305)}h`, `attempts.count >= ${HUGE}`]) {
      expect(() => validateScenario(scenarioWith({ rate: '10/s', duration: '5s' }, [slo]), 'n.yaml')).toThrow(
        expect.objectContaining({ code: 'E_SLO_SYNTAX', path: ['slos', 0], message: expect.stringContaining('too large to be a number') }),
      );
      expect(() => parseSlo(slo)).toThrow(expect.objectContaining({ code: 'E_SLO_SYNTAX' }));
    }
  });

  it('keeps loads at the edge that do make attempts', () => {
    expect(validateScenario(scenarioWith({ rate: '1/s', duration: '1s' }), 'n.yaml').load.durationMs).toBe(1_000);
    expect(validateScenario(scenarioWith({ rate: '1000/s', duration: '1ms', timeout: '1ms' }), 'n.yaml').load.durationMs).toBe(1);
  });

  it('flags: a duration that overflows is E_DURATION, a load of less than one attempt E_LOAD_PROFILE', () => {
    expect(() => parseDuration(`${HUGE}s`, '--duration')).toThrow(expect.objectContaining({ code: 'E_DURATION', message: expect.stringMatching(/^--duration ".*\.\.\." is too large to be a duration$/) }));
    expect(() => checkLoadProfile({ kind: 'constant-rate', ratePerSecond: 1e-6, durationMs: 1_000 })).toThrow(expect.objectContaining({ code: 'E_LOAD_PROFILE' }));
    expect(() => checkLoadProfile({ kind: 'constant-rate', ratePerSecond: 1, durationMs: 1_000 })).not.toThrow();
  });
});
