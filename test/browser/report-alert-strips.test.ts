import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HtmlReporter } from '../../src/report/index.js';
import { alertedRunResult } from '../unit/report/fixtures/run-result.js';
import { launchChromium } from './chromium.js';
import type { Plot } from './page-types.js';

interface PageGlobals {
  readonly mtlsChaosCharts?: { readonly id: string; readonly plot: Plot }[];
}

describe('report.html alert strips, in Chromium', () => {
  it('draws each firing as an amber strip along the bottom of every chart, only while it fired', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-alert-strips-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const browser = await launchChromium();
    onTestFinished(() => browser.close());
    // MtlsClientCertificateFailures fired from 14 s to 26 s; the fault band covers 10-20 s.
    const file = await new HtmlReporter().write(alertedRunResult(), dir);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).mtlsChaosCharts?.length === 4);
    const pixels = await page.evaluate(() => {
      const { mtlsChaosCharts: list = [] } = globalThis as unknown as PageGlobals;
      const ratio = (globalThis as unknown as { devicePixelRatio?: number }).devicePixelRatio ?? 1;
      return list.map(({ plot }) => {
        // The middle of the lowest strip row (12 px tall, 2 px above the plot's bottom edge).
        const y = Math.round(plot.bbox.top + plot.bbox.height - 2 * ratio - 6 * ratio);
        const at = (second: number) => Array.from(plot.ctx.getImageData(Math.round(plot.valToPos(second, 'x', true)), y, 1, 1).data);
        return { inside: at(23), before: at(12), after: at(28.5) };
      });
    });
    expect(errors).toEqual([]);
    for (const { inside, before, after } of pixels) {
      const [red, green, blue] = inside as [number, number, number];
      // Amber: much more red than blue, green in between.
      expect(red - blue).toBeGreaterThan(80);
      expect(green).toBeLessThan(red);
      expect(green).toBeGreaterThan(blue);
      // Outside the firing, no amber (before: the fault band's light red; after: plain).
      expect((before[0] as number) - (before[2] as number)).toBeLessThan(50);
      expect((after[0] as number) - (after[2] as number)).toBeLessThan(20);
    }
    expect(await page.locator('.alert-legend .alert-window').first().innerText()).toBe('alert 1 MtlsClientCertificateFailures firing 14s to 26s');
  }, 60_000);
});
