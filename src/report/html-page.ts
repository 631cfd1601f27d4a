import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * What every self-contained HTML page of the tool shares (report.html of a run, the bench page):
 * the inlined chart library, escaping, the embedded JSON data and the Content-Security-Policy.
 */

/** The chart library's script and stylesheet, inlined so a page opens with no network. */
export interface ChartAssets {
  readonly script: string;
  readonly css: string;
}

let cachedAssets: Promise<ChartAssets> | undefined;

/** uPlot from node_modules, read once per process. */
export function loadChartAssets(): Promise<ChartAssets> {
  cachedAssets ??= (async () => {
    const require = createRequire(import.meta.url);
    const [script, css] = await Promise.all([
      readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    ]);
    return { script, css };
  })();
  return cachedAssets;
}

/** Text and attribute values alike: every string that reaches a page goes through here. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * JSON for a non-executed <script type="application/json"> element: "<" escaped so no string
 * (a subject, a fault description, a target URL) can close the element or open a comment.
 */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

/**
 * The page may run only its own scripts and load nothing: a Content-Security-Policy with their
 * hashes, no connect/img/font sources beyond data:.
 */
export function contentSecurityPolicy(scripts: readonly string[]): string {
  const hashes = scripts.map((script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  return `default-src 'none'; script-src ${hashes.join(' ')}; style-src 'unsafe-inline'; img-src data:`;
}

/**
 * A whole self-contained page: the CSP allowing exactly the chart library and `chartsScript`,
 * both stylesheets, `body` (already escaped HTML) in <main>, and the charts' data as JSON in a
 * non-executed script element with id `dataId`, read by `chartsScript`.
 */
export function htmlPage(page: {
  readonly title: string;
  readonly body: string;
  readonly data: unknown;
  readonly dataId: string;
  readonly chartsScript: string;
  readonly assets: ChartAssets;
}): string {
  const csp = contentSecurityPolicy([page.assets.script, page.chartsScript]);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${page.assets.css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
${page.body}
</main>
<script type="application/json" id="${escapeHtml(page.dataId)}">${jsonForScript(page.data)}</script>
<script>${page.assets.script}</script>
<script>${page.chartsScript}</script>
</body>
</html>
`;
}

export const PAGE_CSS = `
:root { color-scheme: light; --fail: #c62828; --pass: #2e7d32; --muted: #5f6368; --line: #e0e0e0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #202124; background: #f6f7f9; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; display: flex; align-items: center; gap: 12px; }
h2 { font-size: 17px; margin: 14px 0 10px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
section, header { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px 18px 16px; margin-top: 14px; }
header { padding-top: 16px; }
.meta { color: var(--muted); margin: 4px 0; }
.verdict { font-size: 14px; padding: 3px 10px; border-radius: 12px; color: #fff; letter-spacing: .04em; }
.verdict.pass { background: var(--pass); } .verdict.fail { background: var(--fail); } .verdict.aborted { background: #8d6e63; }
.error { color: var(--fail); }
.description pre { white-space: pre-wrap; font: 13px/1.4 ui-monospace, monospace; background: #f6f7f9; padding: 10px; border-radius: 6px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 10px; padding: 14px 18px; }
.figure { background: #f6f7f9; border-radius: 6px; padding: 8px 12px; }
.figure .value { font-size: 19px; font-weight: 600; white-space: nowrap; }
.figure .label { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #fafafa; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.slo-row.fail td.result { color: var(--fail); font-weight: 700; }
tr.slo-row.pass td.result { color: var(--pass); font-weight: 700; }
tr.slo-row.fail { background: #fdecea; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f1f3f4; padding: 1px 4px; border-radius: 4px; word-break: break-all; }
.warning { color: #8a4b00; }
#warnings { border-color: #f0c36d; background: #fff8e1; }
#warnings ul { margin: 0; padding-left: 20px; }
.chart-block { margin: 0 0 22px; }
.chart-block figcaption { font-weight: 600; margin: 6px 0; }
.chart { width: 100%; min-height: 280px; }
.fault-legend { list-style: none; padding: 0; margin: 6px 0 0; font-size: 12px; color: #5f2120; }
.fault-legend li { margin: 2px 0; }
.fault-legend .swatch { display: inline-block; width: 14px; height: 10px; margin-right: 6px; background: rgba(211, 47, 47, 0.18); border-left: 2px dashed rgba(198, 40, 40, 0.75); vertical-align: middle; }
.fault-legend.none { color: var(--muted); }
.alert-legend { list-style: none; padding: 0; margin: 2px 0 0; font-size: 12px; color: #5d2e00; }
.alert-legend li { margin: 2px 0; }
.alert-legend .swatch { display: inline-block; width: 14px; height: 8px; margin-right: 6px; background: rgba(245, 124, 0, 0.55); vertical-align: middle; }
.fault-command { margin: 4px 0; }
.fault-command.failed > summary { color: #b71c1c; }
.command-output { max-height: 24em; overflow: auto; background: #f6f6f6; padding: 6px 8px; font-size: 12px; white-space: pre-wrap; margin: 4px 0; }
.chart-note { font-size: 12px; color: var(--muted); margin: 4px 0 0; }
.runbook p { margin: 0 0 4px; } .runbook ul { margin: 0; padding-left: 18px; } .runbook .check { font-weight: 600; }
footer { color: var(--muted); font-size: 12px; margin-top: 20px; }
.knee-legend { font-size: 12px; color: #0d47a1; margin: 6px 0 0; }
tr.knee-row { background: #e3f2fd; font-weight: 600; }
tr.step-row.fail td.result { color: var(--fail); font-weight: 700; }
tr.step-row.pass td.result { color: var(--pass); font-weight: 700; }
`;
