import { readFileSync, statSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runScenario, type ExternalLoadInfo } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';

/** One request with the credentials `run --load external` hands to k6, as k6 would make it. */
function getWith(info: ExternalLoadInfo): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${info.target}/`,
      { cert: readFileSync(info.certificate), key: readFileSync(info.key), ca: readFileSync(info.ca), agent: false, timeout: 5_000 },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('run --load external', () => {
  it('runs the lab and the fault timeline with no load of ours, hands out working credentials, removes them after', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-k6-external-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const scenario = await loadScenario(join(REPO_ROOT, 'scenarios', 'gateway-pause.ts'));
    let info: ExternalLoadInfo | undefined;
    let status: Promise<number> | undefined;
    const outcome = await runScenario(scenario, {
      outDir: dir,
      durationMs: 12_000,
      signal: new AbortController().signal,
      externalLoad: {
        onReady: (ready) => {
          info = ready;
          expect(statSync(ready.tlsDir).mode & 0o777).toBe(0o700);
          expect(statSync(ready.key).mode & 0o777).toBe(0o600);
          status = getWith(ready);
        },
      },
    });
    expect(info?.target).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info?.k6Command).toContain(`MTLS_CHAOS_TARGET=${info!.target}`);
    expect(await status).toBe(200);
    // The keys lived in the run's temp folder and went with it.
    expect(existsSync(info!.key)).toBe(false);

    const result = outcome.result;
    expect(result.status).toBe('completed');
    expect(result.summary.attempts).toBe(0);
    expect(result.loadStartedAt).toBeDefined();
    expect(result.load.profile).toMatch(/^external load/);
    expect(result.warnings.map((warning) => warning.code)).toContain('EXTERNAL_LOAD');
    expect(result.faults).toHaveLength(1);
    expect(result.faults[0]).toMatchObject({ kind: 'gateway-pause' });
    expect(result.faults[0]!.injectedAtMs).toBeGreaterThan(5_500); // timers may fire a hair early
    expect(result.faults[0]!.healedAtMs).toBeGreaterThan(9_500);
    expect(result.cpu.gateway?.samples.length ?? 0).toBeGreaterThanOrEqual(8);
    // Only the gateway's CPU is ours to judge; gateway-pause has no CPU SLO, so nothing is judged here.
    expect(result.slos).toEqual([]);
    expect(result.verdict).toBe('pass');
  }, 90_000);

  it('refuses an unknown --load engine before anything starts', async () => {
    const result = await runCli(['run', 'scenarios/baseline.ts', '--load', 'k7']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('E_USAGE_LOAD');
  }, 60_000);
});
