import { describe, expect, it } from 'vitest';
import { buildChartData, escapeHtml, loadChartAssets, renderHtmlReport } from '../../../src/report/index.js';
import type { RunResult } from '../../../src/result/index.js';
import { fixtureRunResult } from './fixtures/run-result.js';

const HOSTILE = '</script><script>alert(1)</script><!--';

function withFault(result: RunResult, description: string): RunResult {
  return { ...result, faults: [{ kind: 'expiry', description, atMs: 10_000, forMs: 10_000, injectedAtMs: 10_012, healedAtMs: 20_004 }] };
}

describe('report.html', () => {
  it('inlines the chart library and loads nothing: no src/href to anything, a CSP that allows only its own scripts', async () => {
    const html = renderHtmlReport(fixtureRunResult(), await loadChartAssets());
    expect(html).toContain('uPlot');
    // No element that fetches: scripts and styles are inline, CSS has no url() but data:.
    expect(html).not.toMatch(/<script[^>]+src=|<link[\s>]|<img[\s>]|<iframe[\s>]|url\((?!data:)/);
    expect(html).toMatch(/Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-[^"]+&#39;/);
  });

  it('cannot be broken out of by a fault description or subject from a user scenario', async () => {
    const hostile = withFault(fixtureRunResult(), HOSTILE);
    const html = renderHtmlReport({ ...hostile, scenario: { ...hostile.scenario, name: HOSTILE } }, await loadChartAssets());
    expect(html).not.toContain(HOSTILE);
    // Three script elements: the JSON data, uPlot, the chart code; the description added none.
    expect(html.split('<script').length - 1).toBe(3);
    expect(html).toContain(escapeHtml(HOSTILE));
    const json = html.slice(html.indexOf('id="report-data">') + 'id="report-data">'.length, html.indexOf('</script>'));
    expect(JSON.parse(json).faults[0].label).toBe(`expiry: ${HOSTILE}`);
  });

  it('lists every SLO with target, measured value and verdict, and the runbook for each failure category', async () => {
    const html = renderHtmlReport(fixtureRunResult(), await loadChartAssets());
    expect(html.match(/<tr class="slo-row (pass|fail)"/g)).toHaveLength(5);
    expect(html).toContain('<td class="num">&gt;= 99.9%</td><td class="num">70%</td><td class="result">FAIL</td>');
    expect(html).toContain('data-category="cert_expired"');
    expect(html).toContain('Renewal automation');
    expect(html).toContain('SCHEDULE_SLIPPED');
  });

  it('charts latency, success and rate, CPU and outcomes, with the fault window in seconds', () => {
    const data = buildChartData(withFault(fixtureRunResult(), 'client certificate expired'));
    expect(data.charts.map((chart) => chart.id)).toEqual(['latency', 'throughput', 'cpu', 'categories']);
    expect(data.charts[0]!.series.map((series) => series.label)).toEqual([
      'handshake p50',
      'handshake p95',
      'handshake p99',
      'total p50',
      'total p95',
      'total p99',
    ]);
    expect(data.charts[3]!.series.map((series) => series.label)).toEqual(['ok', 'cert_expired', 'handshake_timeout']);
    expect(data.faults).toEqual([{ label: 'expiry: client certificate expired', startS: 10.01, endS: 20, open: false }]);
  });

  it('draws a fault the run never healed up to the end of the run, and says so', async () => {
    const base = fixtureRunResult();
    const aborted: RunResult = { ...base, status: 'aborted', faults: [{ kind: 'ocsp-outage', description: 'responder down', atMs: 10_000, forMs: 10_000, injectedAtMs: 10_000 }] };
    expect(buildChartData(aborted).faults).toEqual([{ label: 'ocsp-outage: responder down', startS: 10, endS: 30, open: true }]);
    const html = renderHtmlReport(aborted, await loadChartAssets());
    expect(html).toContain('10s to end of run (not healed)');
    expect(html).toContain('<td class="num">not healed</td>');
  });

  it('has a row per replica with its failures', async () => {
    const base = fixtureRunResult();
    const replicas: RunResult = { ...base, byReplica: { 'gateway-1': base.byPhase.baseline!, 'gateway-2': base.byPhase.fault! } };
    const html = renderHtmlReport(replicas, await loadChartAssets());
    expect(html.match(/<tr class="replica-row">/g)).toHaveLength(2);
    expect(html).toMatch(/<code>gateway-2<\/code><\/td><td class="num">2,000<\/td><td class="num">70%<\/td>.*cert_expired 590, handshake_timeout 10<\/td>/);
  });
});
