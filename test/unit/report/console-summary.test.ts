import { describe, expect, it } from 'vitest';
import { renderConsoleSummary } from '../../../src/report/index.js';
import { abortedRunResult, fixtureRunResult, recoveredRunResult } from './fixtures/run-result.js';

describe('renderConsoleSummary', () => {
  it('renders an aligned plain-text summary', () => {
    expect(renderConsoleSummary(fixtureRunResult())).toMatchInlineSnapshot(`
      "mtls-chaos expired-client: FAIL (completed, 30s, 2 of 5 SLOs breached)
      6,000 attempts, 5,400 succeeded (90%), 200/s, 0 resumed, 3 late starts
      CPU: gateway p95 52.4%, generator p95 71.9% (of one core)

      latency (ms)    p50    p95    p99      max
      tls handshake  4.12   9.87  15.79    61.50
      tcp connect    0.21   0.48   0.90     3.20
      first byte     0.83   1.90   3.05    12.00
      whole attempt  6.40  12.87  17.77  1004.25

      result  scope     slo                             measured
      PASS    run       handshake.p95 < 150ms           9.87 ms
      PASS    baseline  success.rate >= 99.9%           100%
      FAIL    fault     success.rate >= 99.9%           70%
      PASS    run       gateway.cpu.p95 < 80% | custom  52.4%
      FAIL    recovery  recovery.time < 30s             no data: recovery time is not measured yet (it comes with faults); this SLO cannot pass until then

      outcome            attempts  share
      ok                    5,400    90%
      cert_expired            590  9.83%
      handshake_timeout        10  0.17%

      warning[SCHEDULE_SLIPPED]: 90 of 6000 attempts (1.5%) started more than 10 ms behind schedule (at worst 14 ms): lower the rate or add load workers
      "
    `);
  });

  it('has no colour codes and no trailing spaces', () => {
    const text = renderConsoleSummary(fixtureRunResult());
    expect(text).not.toMatch(/\u001b\[/);
    for (const line of text.split('\n')) expect(line).toBe(line.trimEnd());
  });

  it('aligns the latency columns', () => {
    const lines = renderConsoleSummary(fixtureRunResult()).split('\n');
    const header = lines.find((line) => line.startsWith('latency (ms)')) as string;
    const handshake = lines.find((line) => line.startsWith('tls handshake')) as string;
    const total = lines.find((line) => line.startsWith('whole attempt')) as string;
    expect(handshake.length).toBe(header.length);
    expect(total.length).toBe(header.length);
    expect(total.endsWith('1004.25')).toBe(true);
  });

  it('prints a failed SLO with its measurement, and a no-data SLO with its note', () => {
    const text = renderConsoleSummary(fixtureRunResult());
    expect(text).toMatch(/^FAIL +fault +success\.rate >= 99\.9% +70%$/m);
    expect(text).toMatch(/^FAIL +recovery +recovery\.time < 30s +no data: recovery time is not measured yet/m);
    expect(text.split('\n')[0]).toBe('mtls-chaos expired-client: FAIL (completed, 30s, 2 of 5 SLOs breached)');
  });

  it('badges an aborted run ABORTED, and a recovery known to one second "< 1 s"', () => {
    expect(renderConsoleSummary(abortedRunResult()).split('\n')[0]).toBe('mtls-chaos expired-client: ABORTED (aborted, 12s, all 3 SLOs met before the abort)');
    expect(renderConsoleSummary(recoveredRunResult(1))).toMatch(/^PASS +recovery +recovery\.time < 30s +< 1 s$/m);
  });

  it('handles a run with no attempts and no SLOs', () => {
    const base = fixtureRunResult();
    const empty = {
      ...base,
      verdict: 'pass' as const,
      slos: [],
      warnings: [],
      summary: { ...base.summary, attempts: 0, succeeded: 0, successRate: 0, categories: { ...base.summary.categories, ok: 0, cert_expired: 0, handshake_timeout: 0 } },
    };
    const text = renderConsoleSummary(empty);
    expect(text.split('\n')[0]).toBe('mtls-chaos expired-client: PASS (completed, 30s, no SLOs)');
    expect(text).not.toContain('outcome');
  });
});
