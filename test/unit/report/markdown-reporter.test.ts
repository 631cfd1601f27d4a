import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MarkdownReporter, renderMarkdownSummary } from '../../../src/report/index.js';
import { abortedRunResult, fixtureRunResult, recoveredRunResult } from './fixtures/run-result.js';

describe('renderMarkdownSummary', () => {
  it('matches the pinned summary.md of the fixture run', async () => {
    await expect(renderMarkdownSummary(fixtureRunResult())).toMatchFileSnapshot('./__snapshots__/summary.md');
  });

  it('leads with an emoji-free verdict line', () => {
    const markdown = renderMarkdownSummary(fixtureRunResult());
    expect(markdown.split('\n')[2]).toBe('**FAIL**: 2 of 5 SLOs breached (run completed in 30s).');
    const passing = { ...fixtureRunResult(), verdict: 'pass' as const, slos: fixtureRunResult().slos.filter((slo) => slo.passed) };
    expect(renderMarkdownSummary(passing).split('\n')[2]).toBe('**PASS**: all 3 SLOs met (run completed in 30s).');
    expect(markdown).not.toMatch(/[\u{1F300}-\u{1FAFF}\u2705\u274C]/u);
  });

  it('shows a failed SLO as FAIL with target and measured value both', () => {
    const rows = renderMarkdownSummary(fixtureRunResult()).split('\n');
    expect(rows).toContain('| fault | success.rate >= 99.9% | >= 99.9% | 70% | **FAIL** |');
    expect(rows).toContain('| baseline | success.rate >= 99.9% | >= 99.9% | 100% | PASS |');
    expect(rows).toContain('| run | handshake.p95 &lt; 150ms | < 150 ms | 9.87 ms | PASS |');
    expect(rows).toContain('| recovery | recovery.time &lt; 30s | < 30 s | no data | **FAIL** |');
    expect(rows).toContain(
      '- recovery.time &lt; 30s (recovery): recovery time is not measured yet (it comes with faults); this SLO cannot pass until then',
    );
  });

  it('escapes | in expressions so the table keeps its columns', () => {
    const row = renderMarkdownSummary(fixtureRunResult())
      .split('\n')
      .find((line) => line.includes('custom'));
    expect(row).toBe('| run | gateway.cpu.p95 &lt; 80% \\| custom | < 80% | 52.4% | PASS |');
    // five cells: the escaped pipe is not a separator
    expect(row?.split(/(?<!\\)\|/).length).toBe(7);
  });

  it('lists only categories that happened, with sample errors, and the warnings', () => {
    const markdown = renderMarkdownSummary(fixtureRunResult());
    expect(markdown).toContain('| `cert_expired` | 590 | 9.83% | ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED |');
    expect(markdown).toContain('| `ok` | 5,400 | 90% |  |');
    expect(markdown).not.toContain('`unknown_ca`');
    expect(markdown).toContain('- **SCHEDULE_SLIPPED**: 90 of 6000 attempts');
  });

  it('says when the run was aborted and carries its error', () => {
    const aborted = { ...fixtureRunResult(), status: 'aborted' as const, actualDurationMs: 12_000, error: { code: 'E_ABORTED', message: 'stopped by SIGINT' } };
    const lines = renderMarkdownSummary({ ...aborted, load: { ...aborted.load, actualDurationMs: 12_000 } }).split('\n');
    expect(lines[2]).toBe('**ABORTED**: 2 of 5 SLOs breached before the abort (run aborted after 12s).');
    expect(lines).toContain('**Error** E_ABORTED: stopped by SIGINT');
  });

  it('badges an aborted run ABORTED, never FAIL beside "all SLOs met"', () => {
    const line = renderMarkdownSummary(abortedRunResult()).split('\n')[2];
    expect(line).toBe('**ABORTED**: all 3 SLOs met before the abort (run aborted after 12s).');
  });

  it('shows a recovery measured at one-second resolution as "< 1 s", not "1 ms", and judges it', () => {
    const rows = renderMarkdownSummary(recoveredRunResult(1)).split('\n');
    expect(rows).toContain('| recovery | recovery.time &lt; 30s | < 30 s | < 1 s | PASS |');
    expect(renderMarkdownSummary(recoveredRunResult(1_500)).split('\n')).toContain('| recovery | recovery.time &lt; 30s | < 30 s | 1.5 s | PASS |');
  });
});

describe('MarkdownReporter', () => {
  it('writes summary.md into the run folder and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-md-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const path = await new MarkdownReporter().write(fixtureRunResult(), dir);
    expect(path).toBe(join(dir, 'summary.md'));
    expect(await readFile(path, 'utf8')).toBe(renderMarkdownSummary(fixtureRunResult()));
    expect(await readdir(dir)).toEqual(['summary.md']);
  });
});
