import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { launchChromium } from './chromium.js';

/**
 * Saves the top of a report.html (verdict, figures, SLOs, the charts down to the success/rate
 * chart: what a reader sees first) as a PNG for the README, once its charts have drawn.
 */
export async function screenshotReportTop(browser: Awaited<ReturnType<typeof launchChromium>>, reportHtml: string, output: string): Promise<string> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(reportHtml).href);
  await page.waitForFunction(() => (globalThis as unknown as { mtlsChaosCharts?: unknown[] }).mtlsChaosCharts?.length === 4);
  const bottom = await page.locator('#chart-throughput').evaluate((element) => {
    const box = (element as unknown as { closest(selector: string): { getBoundingClientRect(): { bottom: number } } }).closest('figure');
    return box.getBoundingClientRect().bottom;
  });
  await page.screenshot({ path: output, fullPage: true, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(bottom) + 12 } });
  return `wrote ${output} (${Math.round((await stat(output)).size / 1024)} KB)`;
}
