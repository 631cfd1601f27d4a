/**
 * `npm run report:screenshot`: runs a real drill (the OCSP responder down for 6 s behind a
 * hard-fail gateway), opens its report.html in Debian's headless Chromium and saves the top of
 * the page (verdict, figures, SLOs, the first charts with the fault window) as docs/report.png
 * for the README. Run it again after changing the report; commit the PNG.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { launchChromium } from './chromium.js';

const OUTPUT = join(REPO_ROOT, 'docs', 'report.png');
const DRILL = 'ocsp-down-hard-fail';

async function main(): Promise<void> {
  const browser = await launchChromium();
  const outDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-screenshot-'));
  try {
    const scenario = await loadScenario(join(REPO_ROOT, 'scenarios', `${DRILL}.ts`));
    process.stderr.write(`running ${DRILL} (${scenario.load.profile.kind}, about 25 s)...\n`);
    const outcome = await runScenario(scenario, { outDir, signal: new AbortController().signal });
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(join(outcome.dir, 'report.html')).href);
    await page.waitForFunction(() => (globalThis as unknown as { mtlsChaosCharts?: unknown[] }).mtlsChaosCharts?.length === 4);
    // From the top of the page to the end of the success/rate chart: what a reader sees first.
    const bottom = await page.locator('#chart-throughput').evaluate((element) => {
      const box = (element as unknown as { closest(selector: string): { getBoundingClientRect(): { bottom: number } } }).closest('figure');
      return box.getBoundingClientRect().bottom;
    });
    await page.screenshot({ path: OUTPUT, fullPage: true, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(bottom) + 12 } });
    process.stderr.write(`wrote ${OUTPUT} (${Math.round((await stat(OUTPUT)).size / 1024)} KB) from ${outcome.dir}\n`);
  } finally {
    await browser.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

await main();
