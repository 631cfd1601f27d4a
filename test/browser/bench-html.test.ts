import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBenchHtml, type BenchChartData } from '../../src/bench/index.js';
import { fixtureBenchReport } from '../support/bench-report-fixture.js';
import { launchChromium } from './chromium.js';
import type { Plot } from './page-types.js';

interface PageGlobals {
  readonly mtlsChaosBenchCharts?: { readonly id: string; readonly plot: Plot }[];
  readonly document: { getElementById(id: string): { contains(node: unknown): boolean; readonly textContent: string | null } | null };
}

let dir: string;
let browser: Browser | undefined;
let page: Page;
const consoleErrors: string[] = [];
const requests: string[] = [];
const report = fixtureBenchReport();

/** The page from a hand-made report (no bench run): the rendering is what is under test here. */
beforeAll(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-bench-browser-'));
  await writeBenchHtml(join(dir, 'bench.html'), report);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(join(dir, 'bench.html')).href, { waitUntil: 'load' });
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).mtlsChaosBenchCharts?.length === 3);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bench --html page, in Chromium', () => {
  it('draws the three charts against the offered rate: one point per step, non-blank canvases', async () => {
    const charts = await page.evaluate(() => {
      const { mtlsChaosBenchCharts: list = [], document } = globalThis as unknown as PageGlobals;
      return list.map(({ id, plot }) => {
        const canvas = plot.ctx.canvas;
        const pixels = plot.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let index = 3; index < pixels.length; index += 4) if (pixels[index]! > 0) painted++;
        return { id, rates: plot.data[0], series: plot.data.length - 1, painted, inDom: document.getElementById(`chart-${id}`)!.contains(canvas) };
      });
    });
    expect(charts.map((chart) => [chart.id, chart.series])).toEqual([
      ['latency', 3],
      ['success', 1],
      ['cpu', 2],
    ]);
    for (const chart of charts) {
      expect(chart.inDom).toBe(true);
      expect(chart.rates).toEqual([100, 200, 400, 400, 500, 600, 800]);
      expect(chart.painted).toBeGreaterThan(2_000);
    }
  });

  it('marks the knee: a blue line at the capacity on every chart, labelled, and the limit in the header', async () => {
    const pixels = await page.evaluate(() => {
      const { mtlsChaosBenchCharts: list = [], document } = globalThis as unknown as PageGlobals;
      const data = JSON.parse(document.getElementById('bench-data')!.textContent!) as BenchChartData;
      return list.map(({ plot }) => {
        const x = Math.round(plot.valToPos(data.knee!.rate, 'x', true));
        // Halfway down the plot, on the line: blue; well left of it, not blue.
        const y = Math.round(plot.bbox.top + plot.bbox.height * 0.55);
        const column = (at: number) => {
          let blue = 0;
          for (let dx = -1; dx <= 1; dx++) for (let dy = 0; dy < 30; dy++) {
            const [r, g, b, a] = plot.ctx.getImageData(at + dx, y + dy, 1, 1).data;
            if (a! > 128 && b! > 150 && r! < 80 && b! > g!) blue++;
          }
          return blue;
        };
        // The label: blue text beside the line at the top of the plot (the line's own columns left out).
        let label = 0;
        const top = Math.round(plot.bbox.top);
        const band = plot.ctx.getImageData(x - 150, top, 300, 22).data;
        for (let index = 0; index < band.length; index += 4) {
          const column = (index / 4) % 300;
          if (Math.abs(column - 150) > 3 && band[index + 3]! > 128 && band[index + 2]! > 150 && band[index]! < 80 && band[index + 2]! > band[index + 1]!) label++;
        }
        return { on: column(x), off: column(Math.round(plot.valToPos(data.knee!.rate * 0.25, 'x', true))), label };
      });
    });
    for (const { on, off, label } of pixels) {
      expect(on).toBeGreaterThan(10);
      expect(off).toBe(0);
      expect(label).toBeGreaterThan(40);
    }
    expect(await page.locator('.knee-legend').allInnerTexts()).toEqual(Array(3).fill('Dashed blue line: the knee, capacity 400/s.'));
    expect(await page.locator('#limited-by').innerText()).toContain('limited by slo:handshake.p95 < 50ms');
    expect(await page.locator('#capacity').innerText()).toBe('400/s');
    expect(await page.locator('tr.step-row').count()).toBe(report.steps.length);
    // The target's markup is text on the page, not an element.
    expect(await page.locator('h1 code').innerText()).toBe(report.target);
  });

  it('logs no console error and makes no request beyond its own file', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(url).toMatch(/^(file|data):/);
  });
});
