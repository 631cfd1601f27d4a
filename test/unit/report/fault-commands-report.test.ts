import { describe, expect, it } from 'vitest';
import type { FaultRecord, RunResult } from '../../../src/result/index.js';
import { loadChartAssets, renderConsoleSummary, renderHtmlReport, renderMarkdownSummary } from '../../../src/report/index.js';
import { markdownCodeBlock } from '../../../src/report/markdown-text.js';
import { fixtureRunResult } from './fixtures/run-result.js';

/** Output a team's command could print: a fence of its own, HTML, a terminal escape, a table pipe. */
const HOSTILE_OUTPUT = 'reloading\n```\n<img src=x onerror=alert(1)> | cell\n\u001b[2J\u001b]52;c;cHduZWQ=\u0007cleared\nerror: cert not found\n';

function withCommandFault(): RunResult {
  const fault: FaultRecord = {
    kind: 'command',
    description: 'command ./swap-cert.sh, heal ./restore-cert.sh',
    atMs: 5_000,
    forMs: 5_000,
    injectedAtMs: 5_001,
    healedAtMs: 10_002,
    error: 'heal failed: heal command exit 4 in 30 ms; its last line: error: cert not found',
    commands: [
      { step: 'inject', command: './swap-cert.sh', shell: false, durationMs: 120, timeoutMs: 30_000, exitCode: 0, output: 'swapped\n', outputBytes: 8, ok: true },
      { step: 'heal', command: './restore-cert.sh', shell: false, durationMs: 30, timeoutMs: 30_000, exitCode: 4, output: HOSTILE_OUTPUT, outputBytes: HOSTILE_OUTPUT.length, ok: false },
    ],
    mayBeLeftBroken: true,
  };
  return { ...fixtureRunResult(), faults: [fault] };
}

describe('fault commands in the reports', () => {
  it('summary.md: each command, how it ended, its output in a fence no output can close', () => {
    const markdown = renderMarkdownSummary(withCommandFault());
    expect(markdown).toContain('### Fault commands');
    expect(markdown).toContain('Fault 1, inject: ok, exit 0 in 120 ms.');
    expect(markdown).toContain('Fault 1, heal: **FAILED**, exit 4 in 30 ms.');
    // The output holds ``` itself: its block is fenced with four.
    expect(markdown).toContain('````\nreloading\n```\n<img src=x onerror=alert(1)> | cell\n\\x1b[2J\\x1b]52;c;cHduZWQ=\\x07cleared\nerror: cert not found\n````');
    expect(markdown).not.toContain('\u001b');
  });

  it('markdownCodeBlock: a fence longer than any run of backticks inside', () => {
    expect(markdownCodeBlock('a\n')).toBe('```\na\n```');
    expect(markdownCodeBlock('x ````` y')).toBe('``````\nx ````` y\n``````');
  });

  it('report.html: a failed command is open with its output, escaped and visible', async () => {
    const html = renderHtmlReport(withCommandFault(), await loadChartAssets());
    expect(html).toMatch(/<details class="fault-command failed" data-step="heal" open>/);
    expect(html).toMatch(/<details class="fault-command ok" data-step="inject">/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('\\x1b[2J');
  });

  it('console: one line per command, a failed one with the end of its output, nothing that acts on a terminal', () => {
    const text = renderConsoleSummary(withCommandFault());
    expect(text).toContain('fault 1 inject: ok, exit 0 in 120 ms: ./swap-cert.sh');
    expect(text).toContain('fault 1 heal: FAILED, exit 4 in 30 ms: ./restore-cert.sh\n  | reloading\n  | ```\n  | <img src=x onerror=alert(1)> | cell\n  | \\x1b[2J\\x1b]52;c;cHduZWQ=\\x07cleared\n  | error: cert not found');
    expect(text).not.toContain('\u001b');
  });
});
