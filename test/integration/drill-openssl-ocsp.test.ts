import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runIdOfDir } from '../support/docker-engine.js';
import { expectFailClosedOutage } from '../support/ocsp-drill-expectations.js';
import { runDrill } from '../support/run-drill.js';

/** The OCSP drills with a real `openssl ocsp` as the responder (local runtime: its own network namespace behind 127.0.0.1). */
describe('drills *-openssl: openssl ocsp as the responder', () => {
  it('revocation-latency-openssl: client-1 refused as cert_revoked within the 3 s cache TTL, the others unaffected', async () => {
    const { result, exitCode } = await runDrill('revocation-latency-openssl');
    expect(result.lab.components.map((component) => component.kind)).toEqual(['ocsp/openssl', 'gateway/node']);
    const [fault] = result.faults;
    expect(fault!.effect).toMatchObject({ category: 'cert_revoked', identity: 'client-1' });
    expect(fault!.effect!.afterMs).toBeLessThan(4_500);
    const phase = result.byPhase.fault!;
    expect(phase.categories.cert_revoked / phase.attempts).toBeGreaterThan(0.1);
    expect(phase.categories.cert_revoked / phase.attempts).toBeLessThanOrEqual(0.25);
    expect(result.summary.categories.ocsp_unavailable).toBe(0);
    expect(result.recovery?.timeMs).toBeLessThan(5_000);
    expect(result.verdict).toBe('pass');
    expect(exitCode).toBe(0);
  }, 90_000);

  it('ocsp-down-hard-fail-openssl: refused as ocsp_unavailable once the 2 s cache expires, back at once on the same URL', async () => {
    const { result, exitCode } = await runDrill('ocsp-down-hard-fail-openssl', { durationMs: 18_000 });
    expect(result.faults[0]).toMatchObject({ kind: 'ocsp-outage', description: 'OCSP responder down (connections refused)' });
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 9, minUnavailableRate: 0.5 });
    expect(result.byPhase.recovery!.categories.connection_refused).toBe(0);
    expect(exitCode).toBe(0);
  }, 90_000);

  it('Ctrl-C mid-outage: the outage is healed, the result is aborted, and no openssl of the run is left', async () => {
    const { result, exitCode, dir } = await runDrill('ocsp-down-hard-fail-openssl', { abortAfterLog: { line: /fault ocsp-outage: inject/, afterMs: 1_500 } });
    expect(exitCode).toBe(130);
    expect(result.status).toBe('aborted');
    expect(result.faults[0]).toMatchObject({ kind: 'ocsp-outage', injectedAtMs: expect.any(Number), healedAtMs: expect.any(Number) });
    expect(result.faults[0]!.error).toBeUndefined();
    // openssl's command line names the run's temp folder (its index.txt): no live process may.
    const runId = runIdOfDir(dir, 'ocsp-down-hard-fail-openssl');
    const left = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(runId);
        } catch {
          return false;
        }
      });
    expect(left).toEqual([]);
  }, 60_000);
});
