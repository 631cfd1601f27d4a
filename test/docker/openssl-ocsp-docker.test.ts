import type Docker from 'dockerode';
import { beforeAll, describe, expect, it } from 'vitest';
import { leftoversOf, requireDocker, runIdOfDir } from '../support/docker-engine.js';
import { expectFailClosedOutage } from '../support/ocsp-drill-expectations.js';
import { runDrill } from '../support/run-drill.js';

let docker: Docker;
beforeAll(async () => {
  docker = await requireDocker();
});

/** The *-openssl drills with --runtime docker: `openssl ocsp` in the mtls-chaos/openssl-ocsp image; nothing left after. */
async function runOnDocker(drill: string, options: { durationMs?: number } = {}) {
  const outcome = await runDrill(drill, { ...options, runtime: 'docker' });
  expect(outcome.result.scenario.runtime).toBe('docker');
  expect(outcome.result.error).toBeUndefined();
  for (const [phase, measured] of Object.entries(outcome.result.byPhase)) {
    const categories = Object.entries(measured?.categories ?? {}).filter(([, count]) => count > 0);
    console.log(`${drill} on docker, ${phase}: ${JSON.stringify(Object.fromEntries(categories))} ${JSON.stringify(outcome.result.errorSamples)}`);
  }
  expect(outcome.result.lab.components.map((component) => component.kind)).toEqual(['ocsp/openssl', 'gateway/node']);
  expect(await leftoversOf(docker, runIdOfDir(outcome.dir, drill))).toBe(0);
  return outcome;
}

describe('openssl ocsp as the responder on the docker runtime', () => {
  it('revocation-latency-openssl: the rewritten index.txt reaches the container; client-1 refused as cert_revoked within the cache TTL', async () => {
    const { result } = await runOnDocker('revocation-latency-openssl');
    const [fault] = result.faults;
    expect(fault!.effect).toMatchObject({ category: 'cert_revoked', identity: 'client-1' });
    expect(fault!.effect!.afterMs).toBeLessThan(4_500);
    expect(result.summary.categories.ocsp_unavailable).toBe(0);
    expect(result.verdict).toBe('pass');
  }, 120_000);

  it('ocsp-down-hard-fail-openssl: openssl stopped in its container, refused as ocsp_unavailable, back after the heal', async () => {
    const { result, exitCode } = await runOnDocker('ocsp-down-hard-fail-openssl', { durationMs: 18_000 });
    expect(result.faults[0]).toMatchObject({ kind: 'ocsp-outage' });
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 9, minUnavailableRate: 0.5 });
    expect(result.byPhase.recovery!.categories.connection_refused).toBe(0);
    expect(exitCode).toBe(0);
  }, 120_000);
});
