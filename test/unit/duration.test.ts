import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/duration.js';

describe('durations', () => {
  it('parses the units scenarios and flags use', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('90d')).toBe(90 * 86_400_000);
    expect(parseDuration('1.5s')).toBe(1_500);
  });

  it('rejects what is not a duration, naming the field', () => {
    for (const bad of ['', '30', 's', '3x', '-1s', '1s 2x']) {
      expect(() => parseDuration(bad, '--client-lifetime')).toThrow(
        expect.objectContaining({ code: 'E_DURATION', message: expect.stringContaining('--client-lifetime') }),
      );
    }
  });

  it('formats compactly', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(1_500)).toBe('1.5s');
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});
