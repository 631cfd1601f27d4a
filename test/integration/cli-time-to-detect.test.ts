import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RunResult } from '../../src/result/index.js';
import { processesMarked } from '../support/processes.js';
import { RULES_PATH } from '../support/prometheus.js';
import { runCli } from '../support/run-cli.js';

/*
 * Time to detect, end to end through `mtls-chaos run`: the run starts its own Prometheus (scraping
 * the run every second, loopback only) with a rules file, and the alert.* SLOs judge what the
 * alerts did. One run proves both sides of the issue: the rules file holds the shipped rules
 * (contrib/prometheus/) and a team alert whose threshold (a failure ratio above 150%) can never
 * be crossed. The shipped burn-rate alert must fire inside the fault window and not in the
 * baseline; the team's alert must fail its detect SLO with a message that says why.
 */
const TOO_LOOSE = {
  name: 'team',
  rules: [
    {
      alert: 'TeamMtlsFailureRatio',
      expr: 'sum(rate(mtls_chaos_attempts_total{category!="ok"}[30s])) / sum(rate(mtls_chaos_attempts_total[30s])) > 1.5',
    },
  ],
};

describe('time to detect (observe.prometheus) through run', () => {
  it('the shipped burn-rate alert fires inside the OCSP outage and never in the baseline; a too-loose team alert fails its detect SLO, saying why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-detect-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const shipped = parse(await readFile(RULES_PATH, 'utf8')) as { groups: unknown[] };
    await writeFile(join(dir, 'alerts.yml'), stringify({ groups: [...shipped.groups, TOO_LOOSE] }));
    await writeFile(
      join(dir, 'detect.yaml'),
      [
        'name: detect-ocsp-outage',
        'description: The OCSP responder is down for 14 s behind a hard-fail gateway; the burn-rate alert must page inside the outage.',
        'lab:',
        '  gateway: { kind: node, ocsp: { mode: hard-fail, cacheTtl: 1s, timeout: 1s } }',
        '  ocspResponder: { kind: builtin }',
        'pki: { clients: 4 }',
        'load: { rate: 20/s, duration: 28s, timeout: 3s }',
        'faults: [{ at: 8s, for: 14s, kind: ocsp-outage, mode: down }]',
        'observe: { prometheus: { rules: ./alerts.yml } }',
        'slos:',
        '  - alert.MtlsHandshakeFailureBurnRate.detect < 14s',
        '  - { expr: alert.MtlsHandshakeFailureBurnRate.count == 0, phase: baseline }',
        '  - alert.TeamMtlsFailureRatio.detect < 1m',
        '',
      ].join('\n'),
    );
    // Every process the run starts inherits this mark: none may be left once it returns.
    const mark = `MTLS_CHAOS_TEST_MARK=detect-${process.pid}-${Date.now()}`;
    const cli = await runCli(['run', join(dir, 'detect.yaml'), '--out', join(dir, 'reports'), '--quiet'], {
      timeoutMs: 150_000,
      env: { ...process.env, MTLS_CHAOS_TEST_MARK: mark.split('=')[1] },
    });
    // The team's alert never fired: SLO breached, exit 1 (not a lab failure, not bad input).
    expect(cli.exitCode, cli.stderr).toBe(1);
    expect(cli.stdout).toMatch(/prometheus http:\/\/127\.0\.0\.1:\d+ evaluates .*alerts\.yml every 1s/);
    const [runDir] = await readdir(join(dir, 'reports'));
    const result = JSON.parse(await readFile(join(dir, 'reports', runDir!, 'result.json'), 'utf8')) as RunResult;
    const verdict = (expression: string) => result.slos.find((slo) => slo.expression === expression)!;
    const fault = result.faults[0]!;
    // Detected inside the fault window (as a time after the injection, shorter than the outage).
    const detect = verdict('alert.MtlsHandshakeFailureBurnRate.detect < 14s');
    expect(detect.passed, JSON.stringify(detect)).toBe(true);
    expect(detect.measured).toBeGreaterThan(0);
    expect(detect.measured).toBeLessThan(fault.healedAtMs! - fault.injectedAtMs!);
    expect(verdict('alert.MtlsHandshakeFailureBurnRate.count == 0').passed).toBe(true);
    const burn = result.alerts!.find((alert) => alert.name === 'MtlsHandshakeFailureBurnRate')!;
    expect(burn.firings[0]!.fromMs).toBeGreaterThanOrEqual(fault.injectedAtMs!);
    expect(burn.firings[0]!.fromMs).toBeLessThan(fault.healedAtMs!);
    const loose = verdict('alert.TeamMtlsFailureRatio.detect < 1m');
    expect(loose.passed).toBe(false);
    expect(loose.note).toMatch(/alert TeamMtlsFailureRatio never fired after the fault was injected at 8s/);
    expect(await readFile(join(dir, 'reports', runDir!, 'summary.md'), 'utf8')).toContain('TeamMtlsFailureRatio');
    // The run's Prometheus (and every other process it started) is gone.
    expect(await processesMarked(mark)).toBe(0);
  }, 180_000);
});
