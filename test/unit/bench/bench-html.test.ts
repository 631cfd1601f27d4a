import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBenchChartData, formatBenchReport, renderBenchHtml, writeBenchHtml, type BenchChartData } from '../../../src/bench/index.js';
import { escapeHtml, loadChartAssets } from '../../../src/report/index.js';
import { fixtureBenchReport } from '../../support/bench-report-fixture.js';

const HOSTILE = '</script><script>alert(1)</script><!--';

function embedded(html: string): BenchChartData {
  const start = html.indexOf('id="bench-data">') + 'id="bench-data">'.length;
  return JSON.parse(html.slice(start, html.indexOf('</script>', start))) as BenchChartData;
}

describe('bench --html page', () => {
  it('inlines uPlot and loads nothing: a CSP that allows only its own two scripts', async () => {
    const html = renderBenchHtml(fixtureBenchReport(), await loadChartAssets());
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<script[^>]+src=|<link[\s>]|<img[\s>]|<iframe[\s>]|url\((?!data:)/);
    expect(html).toMatch(/Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-[^ ]+ &#39;sha256-[^"]+&#39;; style-src/);
  });

  it('escapes a hostile target, configuration and SLO everywhere, including the embedded JSON', async () => {
    const report = fixtureBenchReport({ target: HOSTILE, configuration: HOSTILE, slos: [HOSTILE], capacityText: HOSTILE, limitedBy: `slo:${HOSTILE}` });
    const html = renderBenchHtml(report, await loadChartAssets());
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain(escapeHtml(HOSTILE));
    // Three script elements: the JSON data, uPlot, the chart code; the strings added none.
    expect(html.split('<script').length - 1).toBe(3);
    expect(embedded(html).knee?.label).toBe(`capacity ${HOSTILE}`);
  });

  it('embeds one point per step in offered-rate order, and the knee at the capacity', async () => {
    const report = fixtureBenchReport();
    const data = embedded(renderBenchHtml(report, await loadChartAssets()));
    expect(data).toEqual(JSON.parse(JSON.stringify(buildBenchChartData(report))));
    expect(data.rates).toEqual([100, 200, 400, 400, 500, 600, 800]);
    expect(data.knee).toEqual({ rate: 400, label: 'capacity 400/s' });
    expect(data.charts.map((chart) => [chart.id, chart.series.map((series) => series.label)])).toEqual([
      ['latency', ['handshake p50', 'handshake p95', 'handshake p99']],
      ['success', ['success rate %']],
      ['cpu', ['gateway CPU p95', 'generator CPU p95']],
    ]);
    const p95 = data.charts[0]!.series[1]!.values;
    expect(p95[6]).toBeCloseTo(report.steps[3]!.latency.handshake.p95); // 800/s
    expect(data.charts[1]!.series[0]!.values[0]).toBe(100);
  });

  it('states the limit in the header and marks the knee rows in the steps table', async () => {
    const html = renderBenchHtml(fixtureBenchReport(), await loadChartAssets());
    expect(html).toContain('<strong>limited by slo:handshake.p95 &lt; 50ms</strong>');
    expect(html.match(/<tr class="step-row /g)).toHaveLength(7);
    expect(html.match(/knee-row" data-offered="400"/g)).toHaveLength(2);
    expect(html).toContain('Dashed blue line: the knee, capacity 400/s.');
  });

  it('says "at least" for a generator or max limit, and draws no knee when nothing passed', async () => {
    const assets = await loadChartAssets();
    const generator = renderBenchHtml(fixtureBenchReport({ limitedBy: 'generator', atLeast: true, capacityText: 'at least 400/s', generatorReasons: ['late starts 40%'] }), assets);
    expect(generator).toContain('limited by generator (at least 400/s)');
    expect(generator).toContain('<li>late starts 40%</li>');
    expect(renderBenchHtml(fixtureBenchReport({ limitedBy: 'max', atLeast: true, capacity: 5_000, capacityText: 'at least 5000/s' }), assets)).toContain('limited by max (at least 5000/s)');
    const none = renderBenchHtml(fixtureBenchReport({ capacity: 0, capacityText: 'below 100/s' }), assets);
    expect(embedded(none).knee).toBeNull();
    expect(none).toContain('No knee: not even the lowest rate passed.');
  });

  it('says "too noisy to tell" with the range and each piece of evidence, and marks inconclusive steps', async () => {
    const base = fixtureBenchReport();
    const noisy = fixtureBenchReport({
      limitedBy: 'noise',
      atLeast: true,
      capacityText: 'between 400/s and 800/s (too noisy to tell)',
      noise: { reasons: ['500/s failed 3 times, each time by no more than its disturbance explains: the generator stalled up to 140 ms <b>'], inconclusiveRates: [500], disagreeingRates: [], lowRate: 400, highRate: 800 },
      steps: base.steps.map((step) => (step.offeredRate === 500 ? { ...step, inconclusive: true, noiseReasons: ['the generator stalled up to 140 ms'] } : step)),
    });
    const html = renderBenchHtml(noisy, await loadChartAssets());
    expect(html).toContain('limited by noise: too noisy to tell, the capacity is at least 400/s and below 800/s');
    expect(html).toMatch(/<div id="noise"><p>Too noisy to tell: the capacity lies between 400\/s and 800\/s\.<\/p><ul><li>500\/s failed 3 times.*stalled up to 140 ms &lt;b&gt;<\/li>/);
    expect(html).toMatch(/<td class="result">INCONCLUSIVE<\/td><td>slo:handshake.p95 &lt; 50ms<\/td><td class="noise">the generator stalled up to 140 ms<\/td>/);
    const text = formatBenchReport(noisy);
    expect(text).toContain('capacity: between 400/s and 800/s (too noisy to tell) (limited by noise, confirmed by a repeat step)');
    expect(text).toContain('  too noisy to tell: the capacity is at least 400/s and below 800/s');
    expect(text).toContain('  - 500/s failed 3 times');
    expect(text).toMatch(/inconclusive \(slo:handshake.p95 < 50ms, disturbed\)/);
    expect(text).toContain('generator: 2 worker threads (one core left to the target on this machine)');
  });

  it('writes the file atomically: the page and no temporary left behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-bench-html-'));
    try {
      await writeBenchHtml(join(dir, 'bench.html'), fixtureBenchReport());
      expect(await readdir(dir)).toEqual(['bench.html']);
      expect(await readFile(join(dir, 'bench.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
