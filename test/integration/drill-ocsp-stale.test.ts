import { describe, expect, it } from 'vitest';
import { expectFailClosedOutage } from '../support/ocsp-drill-expectations.js';
import { runDrill } from '../support/run-drill.js';

describe('drills ocsp-stale*', () => {
  it('node hard-fail: a signed "good" past its nextUpdate is refused as ocsp_unavailable', async () => {
    const { result, exitCode } = await runDrill('ocsp-stale', { durationMs: 18_000 });
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 9, minUnavailableRate: 0.5 });
    expect(exitCode).toBe(0);
  }, 90_000);

  it('nginx: stale answers refused once its cache reaches nextUpdate', async () => {
    const { result, exitCode } = await runDrill('ocsp-stale-nginx', { durationMs: 18_000 });
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 10, minUnavailableRate: 0.4 });
    expect(exitCode).toBe(0);
  }, 90_000);
});
