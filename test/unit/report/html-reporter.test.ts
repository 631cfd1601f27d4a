import { describe, expect, it } from 'vitest';
import { buildChartData, escapeHtml, loadChartAssets, renderHtmlReport } from '../../../src/report/index.js';
import type { RunResult } from '../../../src/result/index.js';
import { abortedRunResult, fixtureRunResult, recoveredRunResult } from './fixtures/run-result.js';

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

  it('badges an aborted run ABORTED (not FAIL beside "all SLOs met") in the header and the title', async () => {
    const html = renderHtmlReport(abortedRunResult(), await loadChartAssets());
    expect(html).toContain('<span class="verdict aborted" id="verdict">ABORTED</span>');
    expect(html).toContain('<title>mtls-chaos expired-client: ABORTED</title>');
    expect(html).toContain('all 3 SLOs met before the abort');
    expect(html).not.toMatch(/id="verdict">FAIL/);
  });

  it('shows a recovery known to one second as "< 1 s" in the figures and the SLO table', async () => {
    const html = renderHtmlReport(recoveredRunResult(1), await loadChartAssets());
    expect(html).toContain('<div class="value">&lt; 1 s</div><div class="label">recovery time</div>');
    expect(html).toContain('<td class="num">&lt; 30 s</td><td class="num">&lt; 1 s</td><td class="result">PASS</td>');
    expect(html).not.toContain('1 ms');
  });

  it('has a row per replica with its failures', async () => {
    const base = fixtureRunResult();
    const replicas: RunResult = { ...base, byReplica: { 'gateway-1': base.byPhase.baseline!, 'gateway-2': base.byPhase.fault! } };
    const html = renderHtmlReport(replicas, await loadChartAssets());
    expect(html.match(/<tr class="replica-row">/g)).toHaveLength(2);
    expect(html).toMatch(/<code>gateway-2<\/code><\/td><td class="num">2,000<\/td><td class="num">70%<\/td>.*cert_expired 590, handshake_timeout 10<\/td>/);
  });
});

/** A run at 50/s: one bucket per entry [attempts, coveredMs (undefined: not recorded, an older result)]. */
function runAt50PerSecond(buckets: [attempts: number, coveredMs: number | undefined][], actualDurationMs: number): RunResult {
  const base = fixtureRunResult();
  const percentiles = { p50: 4, p95: 8, p99: 9, max: 12 };
  return {
    ...base,
    load: { ...base.load, actualDurationMs },
    timeline: buckets.map(([attempts, coveredMs], second) => ({
      second,
      phase: 'baseline',
      attempts,
      succeeded: attempts,
      categories: { ok: attempts },
      tlsHandshake: percentiles,
      total: percentiles,
      ...(coveredMs === undefined ? {} : { coveredMs }),
    })),
  };
}

function series(data: ReturnType<typeof buildChartData>, chart: string, label: string): readonly (number | null)[] {
  return data.charts.find((spec) => spec.id === chart)!.series.find((line) => line.label === label)!.values;
}

describe('report charts: rates over the part of a second the load ran', () => {
  it('does not draw the last half second of an aborted run as a drop: 25 attempts in 0.5 s is 50/s', () => {
    const data = buildChartData(runAt50PerSecond([[50, 1_000], [50, 1_000], [25, 500]], 2_500));
    expect(series(data, 'throughput', 'attempts/s')).toEqual([50, 50, 50]);
    expect(series(data, 'categories', 'ok')).toEqual([50, 50, 50]);
    expect(data.seconds).toEqual([0.5, 1.5, 2.25]);
    expect(data.coveredS).toEqual([1, 1, 0.5]);
    expect(data.endS).toBe(2.5);
    expect(data.charts.find((spec) => spec.id === 'throughput')!.note).toContain('second 2 ran 500 ms');
  });

  it('draws a first second the load began in mid-way (k6 lined up with a fault run) over its covered part', () => {
    const data = buildChartData(runAt50PerSecond([[20, 400], [50, 1_000], [50, 1_000]], 3_000));
    expect(series(data, 'throughput', 'attempts/s')).toEqual([50, 50, 50]);
    expect(data.seconds).toEqual([0.8, 1.5, 2.5]);
  });

  it('gives no rate to a sliver too short to count, nor to the wait for the last attempts after the load stopped', () => {
    const aborted = buildChartData(runAt50PerSecond([[50, 1_000], [5, 100]], 1_100));
    expect(series(aborted, 'throughput', 'attempts/s')).toEqual([50, null]);
    // A completed run: the schedule ended at 2 s, the last attempts ended by 2.005 s.
    const completed = buildChartData(runAt50PerSecond([[50, 1_000], [50, 1_000], [1, 0]], 2_005));
    expect(series(completed, 'throughput', 'attempts/s')).toEqual([50, 50, null]);
    expect(series(completed, 'throughput', 'success %')).toEqual([100, 100, 100]);
    expect(completed.endS).toBe(2.01);
    expect(completed.seconds.at(-1)).toBeLessThanOrEqual(completed.endS);
  });

  it('reads a result written before coveredMs as whole seconds, as it was drawn then', () => {
    const data = buildChartData(runAt50PerSecond([[50, undefined], [25, undefined]], 1_500));
    expect(series(data, 'throughput', 'attempts/s')).toEqual([50, 25]);
    expect(data.seconds).toEqual([0.5, 1.5]);
    expect(data.endS).toBe(2);
    expect(data.charts.find((spec) => spec.id === 'throughput')!.note).toBeUndefined();
  });
});
