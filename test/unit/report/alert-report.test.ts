import { describe, expect, it } from 'vitest';
import { buildChartData, loadChartAssets, renderHtmlReport, renderJunit, renderMarkdownSummary } from '../../../src/report/index.js';
import { alertedRunResult, fixtureRunResult } from './fixtures/run-result.js';

describe('reports of a drill judged by its alert rules', () => {
  it('charts each firing as a strip, one row per alert that fired, an open one to the end of the chart', () => {
    const result = alertedRunResult();
    expect(buildChartData(result).alerts).toEqual([{ alert: 'MtlsClientCertificateFailures', row: 0, startS: 14, endS: 26, open: false }]);
    const open = { ...result, alerts: [{ name: 'MtlsX', firings: [{ fromMs: 3_000, toMs: 4_000 }, { fromMs: 25_000 }] }] };
    expect(buildChartData(open).alerts).toEqual([
      { alert: 'MtlsX', row: 0, startS: 3, endS: 4, open: false },
      { alert: 'MtlsX', row: 0, startS: 25, endS: 30, open: true },
    ]);
    expect(buildChartData(fixtureRunResult()).alerts).toEqual([]);
  });

  it('report.html lists every alert, fired or not, and explains the strips under each chart', async () => {
    const html = renderHtmlReport(alertedRunResult(), await loadChartAssets());
    expect(html).toContain('<section id="alerts">');
    expect(html).toMatch(/<tr class="alert-row fired" data-alert="MtlsClientCertificateFailures"><td class="num">alert 1<\/td>[\s\S]*?<td>14s to 26s<\/td><\/tr>/);
    expect(html).toMatch(/<tr class="alert-row quiet" data-alert="MtlsGatewayCpuHigh">[\s\S]*?<td>never fired<\/td><\/tr>/);
    expect(html.match(/<li class="alert-window">/g)).toHaveLength(4);
    expect(html).toContain('<strong>alert 1</strong> MtlsClientCertificateFailures firing 14s to 26s');
    // A run without observe.prometheus has no alerts section at all.
    expect(renderHtmlReport(fixtureRunResult(), await loadChartAssets())).not.toContain('id="alerts"');
  });

  it('summary.md has the alert SLOs among the SLOs and a short alerts table', () => {
    const markdown = renderMarkdownSummary(alertedRunResult());
    expect(markdown).toContain('| run | alert.MtlsClientCertificateFailures.detect &lt; 2m | < 120 s | 4000 ms | PASS |');
    expect(markdown).toContain('| run | alert.MtlsClientCertificateFailures.clear &lt; 5s | < 5000 ms | 6000 ms | **FAIL** |');
    expect(markdown).toContain(['### Alerts', '', '| Alert | Evaluated every | Firings | Firing (since the load started) |'].join('\n'));
    expect(markdown).toContain('| MtlsClientCertificateFailures | 1s | 1 | 14s to 26s |');
    expect(markdown).toContain('| MtlsGatewayCpuHigh | 1s | 0 | never fired |');
    expect(renderMarkdownSummary(fixtureRunResult())).not.toContain('### Alerts');
  });

  it('junit.xml has one testcase per alert SLO, a breached one failing with both figures', () => {
    const xml = renderJunit(alertedRunResult());
    expect(xml).toContain('<testcase name="alert.MtlsClientCertificateFailures.detect &lt; 2m (whole run)" classname="mtls-chaos.expired-client.run" time="0"></testcase>');
    expect(xml).toContain('<failure message="target alert.MtlsClientCertificateFailures.clear &lt; 5000 ms, measured 6000 ms" type="SLO_BREACHED">');
    expect(xml).toContain('<testcase name="alert.MtlsGatewayCpuHigh.count == 0 (baseline phase)"');
  });
});
