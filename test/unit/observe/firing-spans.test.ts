import { describe, expect, it } from 'vitest';
import { firingSpans } from '../../../src/observe/index.js';

const range = { startMs: 100_000, endMs: 130_000, stepMs: 1_000 };
const at = (...seconds: number[]) => seconds.map((second) => range.startMs + second * 1_000);

describe('firingSpans', () => {
  it('merges consecutive steps, and ends a span at the first step it was not seen', () => {
    expect(firingSpans(at(5, 6, 7, 8), range)).toEqual([{ fromMs: 105_000, toMs: 109_000 }]);
  });

  it('bridges a gap of up to two steps (a late scrape), splits on a longer one', () => {
    expect(firingSpans(at(5, 6, 9, 10), range)).toEqual([{ fromMs: 105_000, toMs: 111_000 }]);
    expect(firingSpans(at(5, 6, 10, 11), range)).toEqual([
      { fromMs: 105_000, toMs: 107_000 },
      { fromMs: 110_000, toMs: 112_000 },
    ]);
  });

  it('merges the label sets of one alert and leaves a span seen at the last step open', () => {
    expect(firingSpans([...at(20, 21, 22), ...at(21, 22, 23, 24, 25, 26, 27, 28, 29, 30)], range)).toEqual([{ fromMs: 120_000 }]);
  });

  it('gives nothing for an alert never seen', () => {
    expect(firingSpans([], range)).toEqual([]);
  });
});
