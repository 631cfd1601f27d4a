/**
 * `npm run report:screenshot`: runs a real drill (the OCSP responder down for 6 s behind a
 * hard-fail gateway), opens its report.html in Debian's headless Chromium and saves the top of
 * the page (verdict, figures, SLOs, the first charts with the fault window) as docs/report.png
 * for the README. Run it again after changing the report; commit the PNG.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { launchChromium } from './chromium.js';
import { screenshotReportTop } from './screenshot-page.js';

const OUTPUT = join(REPO_ROOT, 'docs', 'report.png');
const DRILL = 'ocsp-down-hard-fail';

async function main(): Promise<void> {
  const browser = await launchChromium();
  const outDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-screenshot-'));
  try {
    const scenario = await loadScenario(join(REPO_ROOT, 'scenarios', `${DRILL}.ts`));
    process.stderr.write(`running ${DRILL} (${scenario.load.profile.kind}, about 25 s)...\n`);
    const outcome = await runScenario(scenario, { outDir, signal: new AbortController().signal });
    process.stderr.write(`${await screenshotReportTop(browser, join(outcome.dir, 'report.html'), OUTPUT)} from ${outcome.dir}\n`);
  } finally {
    await browser.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

await main();
