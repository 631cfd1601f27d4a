import { describe, expect, it } from 'vitest';
import { expectFailClosedOutage } from '../support/ocsp-drill-expectations.js';
import { runDrill } from '../support/run-drill.js';

describe('drills ocsp-try-later*', () => {
  it('node hard-fail: tryLater is no answer: refused as ocsp_unavailable, recovered after the heal', async () => {
    const { result, exitCode } = await runDrill('ocsp-try-later', { durationMs: 18_000 });
    expect(result.faults[0]!.description).toBe('OCSP responder answers tryLater');
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 9, minUnavailableRate: 0.5 });
    expect(exitCode).toBe(0);
  }, 90_000);

  it('nginx: refused as ocsp_unavailable once the cached answers reach nextUpdate', async () => {
    const { result, exitCode } = await runDrill('ocsp-try-later-nginx', { durationMs: 18_000 });
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 10, minUnavailableRate: 0.4 });
    expect(exitCode).toBe(0);
  }, 90_000);
});
