/**
 * `npm run report:screenshot-alerts`: runs, through the CLI, a 28 s drill whose own Prometheus
 * evaluates the shipped rules (observe.prometheus: builtin) while the OCSP responder is down for
 * 14 s, opens its report.html in Debian's headless Chromium and saves the top of the page, with the
 * burn-rate alert's firing strip under the fault window, as docs/report-alerts.png for the README.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { launchChromium } from './chromium.js';
import { screenshotReportTop } from './screenshot-page.js';

const OUTPUT = join(REPO_ROOT, 'docs', 'report-alerts.png');
const DRILL = [
  'name: detect-ocsp-outage',
  'description: The OCSP responder is down for 14 s behind a hard-fail gateway; the shipped burn-rate alert must page inside the outage.',
  'lab:',
  '  gateway: { kind: node, ocsp: { mode: hard-fail, cacheTtl: 1s, timeout: 1s } }',
  '  ocspResponder: { kind: builtin }',
  'load: { rate: 20/s, duration: 28s, timeout: 3s }',
  'faults: [{ at: 8s, for: 14s, kind: ocsp-outage, mode: down }]',
  'observe: { prometheus: { rules: builtin } }',
  'slos:',
  '  - alert.MtlsHandshakeFailureBurnRate.detect < 14s',
  '  - { expr: alert.MtlsHandshakeFailureBurnRate.count == 0, phase: baseline }',
  '  - { expr: success.rate >= 99.9%, phase: baseline }',
  '',
].join('\n');

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-screenshot-alerts-'));
  const browser = await launchChromium();
  try {
    await writeFile(join(dir, 'detect.yaml'), DRILL);
    process.stderr.write('running detect-ocsp-outage with its own Prometheus (about 35 s)...\n');
    const cli = await runCli(['run', join(dir, 'detect.yaml'), '--out', join(dir, 'reports'), '--quiet'], { timeoutMs: 120_000 });
    if (cli.exitCode !== 0) throw new Error(`the drill exited ${cli.exitCode}:\n${cli.stderr}`);
    const [runDir] = await readdir(join(dir, 'reports'));
    process.stderr.write(`${await screenshotReportTop(browser, join(dir, 'reports', runDir!, 'report.html'), OUTPUT)}\n`);
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
