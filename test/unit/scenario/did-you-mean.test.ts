import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../../src/scenario/did-you-mean.js';

describe('didYouMean', () => {
  const fields = ['rate', 'concurrency', 'ramp', 'duration', 'resumption', 'timeout', 'path', 'identities'];

  it('suggests the nearest field for a typo, a case slip or a missing letter', () => {
    expect(didYouMean('durtion', fields)).toBe('duration');
    expect(didYouMean('Duration', fields)).toBe('duration');
    expect(didYouMean('concurency', fields)).toBe('concurrency');
    expect(didYouMean('identites', fields)).toBe('identities');
  });

  it('suggests nothing when nothing is close', () => {
    expect(didYouMean('zzzzzzzz', fields)).toBeUndefined();
    expect(didYouMean('gateway', fields)).toBeUndefined();
  });
});
