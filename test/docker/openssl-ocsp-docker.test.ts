import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DockerRuntime } from '../../src/lab/docker/index.js';
import { startLab, type StartedOcspResponder } from '../../src/lab/index.js';
import { checkPrerequisites } from '../../src/lab/prerequisites.js';
import { buildLabPki, type Certificate } from '../../src/pki/index.js';
import { requireDocker } from '../support/docker-engine.js';
import { runDrillOnDocker } from '../support/docker-lab.js';
import { expectFailClosedOutage } from '../support/ocsp-drill-expectations.js';
import { askOcsp } from '../support/ask-ocsp.js';

let docker: Docker;
beforeAll(async () => {
  docker = await requireDocker();
});

/** The *-openssl drills with --runtime docker: `openssl ocsp` in the mtls-chaos/openssl-ocsp image. */
async function runOnDocker(drill: string, options: { durationMs?: number } = {}) {
  const outcome = await runDrillOnDocker(docker, drill, options);
  expect(outcome.result.lab.components.map((component) => component.kind)).toEqual(['ocsp/openssl', 'gateway/node']);
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
    // openssl restarts in its container at the heal: judged from the completed heal (see expectFailClosedOutage).
    expectFailClosedOutage(result, { cacheRunsOutBySecond: 9, minUnavailableRate: 0.5, judgeFromCompletedHeal: { settleMs: 0 } });
    expect(result.byPhase.recovery!.categories.connection_refused).toBe(0);
    expect([0, 1]).toContain(exitCode);
  }, 120_000);
});

/** The responder's answer for one certificate as a word: its status, "timeout" or "error <code>". */
async function ask(responder: StartedOcspResponder, certificate: Certificate, issuer: Certificate, timeoutMs = 3_000): Promise<string> {
  const answer = await askOcsp(responder, certificate, issuer, timeoutMs);
  if (answer.kind === 'answer') return answer.status;
  return answer.code === 'TimeoutError' ? 'timeout' : `error ${answer.code}`;
}

describe('the openssl-ocsp container itself', () => {
  it('answers from the mounted index, sees each rewrite at once, and goes down, hangs and comes back in the same container', async () => {
    const pki = await buildLabPki({ clients: 2 });
    const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-openssl-ocsp-docker-'));
    const runId = `test-${process.pid}-${Date.now()}`;
    const runtime = await DockerRuntime.open({ runId, workDir });
    const lab = await startLab(
      { gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000 } }, ocspResponder: { kind: 'openssl' } },
      pki,
      { workDir, signal: AbortSignal.timeout(60_000), runId, runtime },
    );
    onTestFinished(async () => {
      await lab.stop();
      await runtime.close();
      await rm(workDir, { recursive: true, force: true });
    });
    const responder = lab.ocspResponder!;
    expect(responder.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const issuer = pki.intermediate.certificate;
    const client = pki.clients[0]!.certificate;
    expect(await ask(responder, client, issuer)).toBe('good');
    await responder.revoke(client.serialNumber, 'keyCompromise');
    expect(await ask(responder, client, issuer)).toBe('revoked');
    expect(await ask(responder, pki.clients[1]!.certificate, issuer)).toBe('good');
    await responder.unrevoke(client.serialNumber);
    expect(await ask(responder, client, issuer)).toBe('good');

    const containers = await docker.listContainers({ filters: JSON.stringify({ label: [`mtls-chaos.run-id=${runId}`, 'mtls-chaos.component=ocsp-openssl'] }) });
    expect(containers).toHaveLength(1);
    await responder.setMode({ kind: 'down' });
    // docker-proxy accepts on the published port and then finds nothing listening in the container.
    expect(await ask(responder, client, issuer)).toMatch(/^error /);
    await responder.setMode({ kind: 'normal' });
    expect(await ask(responder, client, issuer)).toBe('good');
    await responder.setMode({ kind: 'blackhole' });
    expect(await ask(responder, client, issuer, 1_000)).toBe('timeout');
    await responder.setMode({ kind: 'normal' });
    expect(await ask(responder, client, issuer)).toBe('good');
    // Same container all along: the gateway's URL (container name and port) never changed.
    const after = await docker.listContainers({ filters: JSON.stringify({ label: [`mtls-chaos.run-id=${runId}`, 'mtls-chaos.component=ocsp-openssl'] }) });
    expect(after.map((container) => container.Id)).toEqual(containers.map((container) => container.Id));
  }, 120_000);

  it('doctor names what the openssl-ocsp image is used for', async () => {
    const checks = await checkPrerequisites({ docker });
    expect(checks.find((check) => check.name === 'mtls-chaos/openssl-ocsp:latest')).toMatchObject({ ok: true, detail: 'present (used by the OCSP responder of kind openssl)' });
  });
});
