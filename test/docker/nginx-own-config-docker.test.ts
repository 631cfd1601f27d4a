import type Docker from 'dockerode';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DockerRuntime, RUN_ID_LABEL } from '../../src/lab/docker/index.js';
import { attempt } from '../support/gateway-client.js';
import { requireDocker } from '../support/docker-engine.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';
import { ownConfigLab, PRODUCTION_STYLE_SERVER_BLOCK } from '../support/own-config-lab.js';

let docker: Docker;
let creds: GatewayTestPki;
beforeAll(async () => {
  docker = await requireDocker();
  creds = await buildGatewayTestPki();
});

/** A lab on its own docker run (network, labels), closed when the test ends. */
function dockerOwnConfigLab(text: string, runId: string) {
  return ownConfigLab('nginx', creds.pki, text, { runtime: (workDir) => DockerRuntime.open({ runId, workDir }) });
}

const containersOf = async (runId: string) =>
  (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${RUN_ID_LABEL}=${runId}`] }) })).map(
    (container) => container.Labels['mtls-chaos.component'],
  );

describe('docker runtime: nginx running a team\'s own config', () => {
  it('runs the server blocks in the nginx container, ssl_ocsp asking the responder\'s container by name, proxied to the echo upstream inside the same container', async () => {
    const runId = `test-${process.pid}-${Date.now()}`;
    const lab = await dockerOwnConfigLab(PRODUCTION_STYLE_SERVER_BLOCK, runId);
    const responder = await lab.startResponder();
    expect(responder.labUrl).toMatch(/^http:\/\/ocsp-builtin:/);
    const gateway = await lab.start({ ocspResponderUrl: responder.labUrl });
    // nginx -t ran in a container of its own, gone once it exited.
    expect((await containersOf(runId)).sort()).toEqual(['gateway-nginx', 'ocsp-builtin']);

    const ok = await attempt(gateway, creds.good);
    expect(ok).toMatchObject({ status: 200, replica: 'gateway-nginx' });
    const echoed = JSON.parse(ok.body!) as { upstream: string; forwarded: Record<string, string> };
    expect(echoed.upstream).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(echoed.forwarded['x-ssl-client-verify']).toBe('SUCCESS');
    const since = Date.now();
    expect((await attempt(gateway, creds.revokedAtStart)).status).toBe(400);
    expect(await gateway.rejectionReasonSince!(since)).toBe('cert_revoked');
  }, 120_000);

  it('reports a syntax error from nginx -t run in the nginx image (runOnce), at the team\'s line, and leaves no container', async () => {
    const runId = `test-${process.pid}-${Date.now()}`;
    const lab = await dockerOwnConfigLab(PRODUCTION_STYLE_SERVER_BLOCK.replace('ssl_verify_depth 2;', 'ssl_verify_depth 2'), runId);
    const error = await lab.start({ ocspResponderUrl: 'http://127.0.0.1:9/' }).then(
      () => undefined,
      (failure: unknown) => failure as { code: string; message: string },
    );
    expect(error?.code).toBe('E_LAB_CONFIG');
    expect(error?.message).toContain('[emerg] invalid number of arguments in "ssl_verify_depth" directive');
    expect(error?.message).toContain(`${lab.configFile}:10`);
    expect(await containersOf(runId)).toEqual([]);
  }, 120_000);

  it('runOnce: exit code and output of a program run to completion, and a run past its time removed with E_LAB_START', async () => {
    const runId = `test-${process.pid}-${Date.now()}`;
    const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-run-once-'));
    const runtime = await DockerRuntime.open({ runId, workDir });
    onTestFinished(async () => {
      await runtime.close();
      await rm(workDir, { recursive: true, force: true });
    });
    await writeFile(join(workDir, 'said.txt'), 'from the run folder\n');
    const signal = AbortSignal.timeout(60_000);
    expect(await runtime.runOnce({ name: 'once', image: 'nginx', command: ['sh', '-c', `cat ${workDir}/said.txt; echo oops >&2; exit 3`], dir: workDir }, signal)).toEqual({
      exitCode: 3,
      output: 'from the run folder\noops',
    });
    await expect(runtime.runOnce({ name: 'slow', image: 'nginx', command: ['sleep', '30'], dir: workDir, timeoutMs: 1_000 }, signal)).rejects.toMatchObject({
      code: 'E_LAB_START',
    });
    expect(await containersOf(runId)).toEqual([]);
  }, 120_000);
});
