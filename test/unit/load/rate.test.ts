import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { formatRate, parseRate } from '../../../src/load/rate.js';

describe('parseRate', () => {
  it.each([
    ['200/s', 200],
    ['12000/m', 200],
    ['30/min', 0.5],
    ['3600/h', 1],
    [' 1.5 / s ', 1.5],
    ['100000/s', 100_000],
  ])('%s -> %d per second', (text, perSecond) => {
    expect(parseRate(text)).toBeCloseTo(perSecond, 9);
  });

  it.each(['200', '200/d', 'fast', '/s', '-5/s', '0/s', '100001/s', '1e3/s'])('rejects %s with E_RATE and a hint', (text) => {
    let error: unknown;
    try {
      parseRate(text, '--rate');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'E_RATE', hint: expect.any(String) });
    expect((error as Error).message).toContain('--rate');
  });

  it('formats rates back', () => {
    expect(formatRate(200)).toBe('200/s');
    expect(formatRate(1 / 3)).toBe('0.333/s');
  });
});
