import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { expectFailClosedOutage } from '../support/ocsp-drill-expectations.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { runDrill } from '../support/run-drill.js';

describe('drills ocsp-down-*', () => {
  it('node hard-fail: refused as ocsp_unavailable once the 2 s cache expires, back at once after the heal', async () => {
    const { result, exitCode } = await runDrill('ocsp-down-hard-fail', { durationMs: 18_000 });
    expect(result.faults[0]).toMatchObject({ kind: 'ocsp-outage', description: 'OCSP responder down (connections refused)' });
    // cacheTtl 2 s: from second 9 (6 s + 2 s + one second of slack) nothing gets in.
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 9, minUnavailableRate: 0.5 });
    // The responder came back on the same URL the gateway was configured with.
    expect(result.byPhase.recovery!.categories.connection_refused).toBe(0);
    expect(exitCode).toBe(0);
  }, 90_000);

  it('nginx hard-fail: its cache lasts until nextUpdate (3 s validity), then every client is refused', async () => {
    const { result, exitCode } = await runDrill('ocsp-down-hard-fail-nginx', { durationMs: 18_000 });
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 10, minUnavailableRate: 0.4 });
    expect(exitCode).toBe(0);
  }, 90_000);

  it('node soft-fail: clients keep getting in while the responder is down', async () => {
    const { result, exitCode } = await runDrill('ocsp-down-soft-fail', { durationMs: 16_000 });
    const fault = result.byPhase.fault!;
    expect(fault.attempts).toBeGreaterThan(100);
    expect(fault.successRate).toBeGreaterThanOrEqual(0.999);
    expect(fault.categories.ocsp_unavailable).toBe(0);
    expect(result.verdict).toBe('pass');
    expect(exitCode).toBe(0);
  }, 90_000);

  it('heals when aborted mid-outage: the result is aborted, the responder listens again until the lab stops, every process is gone', async () => {
    // Aborted 1.5 s after the injection (lab start-up time varies on a loaded machine).
    const outDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-drill-ocsp-abort-'));
    onTestFinished(() => rm(outDir, { recursive: true, force: true }));
    const controller = new AbortController();
    const lines: string[] = [];
    const { result, exitCode } = await runScenario(await loadScenario(join(REPO_ROOT, 'scenarios', 'ocsp-down-hard-fail.ts')), {
      outDir,
      signal: controller.signal,
      abortedBy: () => 'SIGINT',
      log: (line) => {
        lines.push(line);
        if (line.startsWith('fault ocsp-outage: inject')) setTimeout(() => controller.abort(), 1_500);
      },
    });
    expect(exitCode).toBe(130);
    expect(result.status).toBe('aborted');
    expect(result.faults[0]!.injectedAtMs).toBeDefined();
    expect(result.faults[0]!.healedAtMs).toBeDefined();
    expect(result.faults[0]!.error).toBeUndefined();
    expect(lines.indexOf('fault ocsp-outage: heal')).toBeLessThan(lines.findIndex((line) => line.startsWith('stopped ')));
    for (const component of result.lab.components) {
      if (component.pid !== undefined) expect(() => process.kill(component.pid!, 0)).toThrow();
    }
  }, 60_000);
});
