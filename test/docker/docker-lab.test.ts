import { execFileSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_ID_LABEL } from '../../src/lab/docker/index.js';
import type { LabSpec } from '../../src/lab/index.js';
import { trustBundlePem } from '../../src/pki/index.js';
import { isAlive } from '../support/processes.js';
import { attempt } from '../support/gateway-client.js';
import { requireDocker } from '../support/docker-engine.js';
import { startDockerLab as startTestDockerLab } from '../support/docker-lab.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';

const NODE_LAB: LabSpec = { gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000 } }, ocspResponder: { kind: 'builtin' } };

let docker: Docker;
let creds: GatewayTestPki;
beforeAll(async () => {
  docker = await requireDocker();
  creds = await buildGatewayTestPki();
});

function startDockerLab(spec: LabSpec = NODE_LAB) {
  return startTestDockerLab(spec, creds.pki);
}

describe('docker runtime: node gateway and OCSP responder in containers', () => {
  it('runs each in its own labelled container on the run network, published on 127.0.0.1 only, and judges clients as locally', async () => {
    const { lab, runtime, runId } = await startDockerLab();
    const filters = JSON.stringify({ label: [`${RUN_ID_LABEL}=${runId}`] });
    const containers = await docker.listContainers({ filters });
    expect(containers.map((container) => container.Labels['mtls-chaos.component']).sort()).toEqual(['gateway-node', 'ocsp-builtin']);
    for (const container of containers) {
      expect(Object.keys(container.NetworkSettings.Networks)).toEqual([runtime.network]);
      const published = container.Ports.filter((port) => port.PublicPort !== undefined);
      expect(published.length).toBeGreaterThan(0);
      for (const port of published) expect(port.IP).toBe('127.0.0.1');
    }
    // Nothing of the lab listens on every interface of the host.
    const listening = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });
    for (const port of [lab.gateway.port, Number(new URL(lab.ocspResponder!.url).port)]) {
      expect(listening).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}\\b`));
      expect(listening).not.toMatch(new RegExp(`(0\\.0\\.0\\.0|\\*|\\[::\\]):${port}\\b`));
    }
    // The gateway is the same code as locally: same verdicts, same reasons.
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    expect(await attempt(lab.gateway, creds.expired)).toMatchObject({ status: 495, reason: 'cert_expired' });
    expect(await attempt(lab.gateway, creds.foreign)).toMatchObject({ status: 495, reason: 'unknown_ca' });
    expect(await attempt(lab.gateway, creds.revokedAtStart)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    // Control requests cross the container boundary (the relay): OCSP revocation, then an outage.
    await lab.ocspResponder!.revoke(creds.revokedLater.certificate.serialNumber, 'keyCompromise');
    expect(await attempt(lab.gateway, creds.revokedLater)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    await lab.ocspResponder!.setMode({ kind: 'error-status', status: 'tryLater' });
    expect(await attempt(lab.gateway, creds.good)).toMatchObject({ status: 495, reason: 'ocsp_unavailable' });
    await lab.ocspResponder!.setMode({ kind: 'normal' });
    // A hot reload through the relay: same container, new trust bundle that drops the lab's CAs.
    await lab.gateway.reload({ trustBundlePem: trustBundlePem([creds.foreignPki.root.certificate, creds.foreignPki.intermediate.certificate]) });
    expect(await attempt(lab.gateway, creds.good)).toMatchObject({ status: 495, reason: 'unknown_ca' });

    const pids = lab.gateway.pids();
    expect(pids.length).toBeGreaterThan(0); // host pids of the container's processes
    await lab.stop();
    await runtime.close();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);
  }, 120_000);

  it('keeps keys out of images: mounted from the run folder, 0600, removed when the lab stops', async () => {
    const { lab, workDir } = await startDockerLab();
    const key = join(workDir, 'pki');
    const files = execFileSync('find', [key, '-name', '*.key.pem'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect((await stat(file)).mode & 0o777).toBe(0o600);
    const images = await docker.listImages({ filters: JSON.stringify({ reference: ['mtls-chaos/*'] }) });
    expect(images.length).toBeGreaterThan(0);
    await lab.stop();
    await expect(stat(key)).rejects.toThrow();
  }, 120_000);

  it('runs nginx from its image: ssl_ocsp reaches the responder by container name, SIGHUP reloads, reasons from its error log', async () => {
    const { lab, runtime, runId } = await startDockerLab({
      gateway: { kind: 'nginx', ocsp: { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000 } },
      ocspResponder: { kind: 'builtin' },
    });
    const gateway = lab.gateway;
    expect(gateway.kind).toBe('nginx');
    const containers = await docker.listContainers({ filters: JSON.stringify({ label: [`${RUN_ID_LABEL}=${runId}`] }) });
    expect(containers.find((container) => container.Labels['mtls-chaos.component'] === 'gateway-nginx')?.Image).toBe('mtls-chaos/nginx:latest');
    expect((await attempt(gateway, creds.good)).status).toBe(200);
    let since = Date.now();
    expect((await attempt(gateway, creds.revokedAtStart)).status).toBe(400);
    expect(await gateway.rejectionReasonSince!(since)).toBe('cert_revoked');
    since = Date.now();
    expect((await attempt(gateway, creds.expired)).status).toBe(400);
    expect(await gateway.rejectionReasonSince!(since)).toBe('cert_expired');
    // Master and workers are host processes: SIGHUP brings new workers with the new bundle.
    expect(gateway.pids().length).toBeGreaterThanOrEqual(2);
    await gateway.reload({ trustBundlePem: trustBundlePem([creds.foreignPki.root.certificate, creds.foreignPki.intermediate.certificate]) });
    since = Date.now();
    expect((await attempt(gateway, creds.good)).status).toBe(400);
    expect(await gateway.rejectionReasonSince!(since)).toBe('unknown_ca');
    await lab.stop();
    await runtime.close();
    expect(await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${RUN_ID_LABEL}=${runId}`] }) })).toEqual([]);
  }, 120_000);

  it('runs haproxy from its image as the container\'s master: SIGUSR2 reloads new files, a refused reload keeps the old worker serving', async () => {
    const { lab, runtime, runId } = await startDockerLab({ gateway: { kind: 'haproxy' } });
    const gateway = lab.gateway;
    expect(gateway.kind).toBe('haproxy');
    const filters = JSON.stringify({ label: [`${RUN_ID_LABEL}=${runId}`] });
    const containers = await docker.listContainers({ filters });
    expect(containers.map((container) => container.Image)).toEqual(['mtls-chaos/haproxy:latest']);
    for (const port of containers[0]!.Ports.filter((entry) => entry.PublicPort !== undefined)) expect(port.IP).toBe('127.0.0.1');
    expect((await attempt(gateway, creds.good)).status).toBe(200);
    expect(await attempt(gateway, creds.expired)).toMatchObject({ status: 495, reason: 'cert_expired' });
    const container = docker.getContainer(containers[0]!.Id);
    const master = (await container.inspect()).State.Pid;
    expect(gateway.pids()).toContain(master); // master and worker are host processes
    expect(gateway.pids().length).toBeGreaterThanOrEqual(2);
    await gateway.reload({ trustBundlePem: trustBundlePem([creds.foreignPki.root.certificate, creds.foreignPki.intermediate.certificate]) });
    // The master re-executes in place: same container, same main process.
    expect((await container.inspect()).State).toMatchObject({ Running: true, Pid: master });
    expect(await attempt(gateway, creds.good)).toMatchObject({ status: 495, reason: 'unknown_ca' });
    await expect(gateway.reload({ trustBundlePem: 'not a certificate\n' })).rejects.toMatchObject({ code: 'E_LAB_RELOAD' });
    expect(await attempt(gateway, creds.good)).toMatchObject({ status: 495, reason: 'unknown_ca' });
    await lab.stop();
    await runtime.close();
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
  }, 120_000);

  it('refuses mitmproxy in front of replicas up front, naming the field and the way out, with nothing started', async () => {
    const runsBefore = (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [RUN_ID_LABEL] }) })).length;
    await expect(startDockerLab({ gateway: { kind: 'node', replicas: 2 }, balancer: { kind: 'builtin' }, interceptor: { kind: 'mitmproxy' } })).rejects.toMatchObject({
      code: 'E_LAB_MITMPROXY_RUNTIME',
      path: ['lab', 'interceptor', 'kind'],
      hint: expect.stringContaining('kind: builtin'),
    });
    expect((await docker.listContainers({ all: true, filters: JSON.stringify({ label: [RUN_ID_LABEL] }) })).length).toBe(runsBefore);
  }, 60_000);

  it('puts an interceptor and a client-gateway link in front of replicas on the host, beside the balancer the replicas sit behind', async () => {
    const { lab, runId } = await startDockerLab({
      gateway: { kind: 'node', replicas: 2 },
      balancer: { kind: 'builtin' },
      interceptor: { kind: 'builtin' },
      links: [{ between: 'client-gateway' }],
    });
    // Only the replicas are containers: the balancer, the interceptor and the proxy reach their 127.0.0.1 ports.
    const containers = await docker.listContainers({ filters: JSON.stringify({ label: [`${RUN_ID_LABEL}=${runId}`] }) });
    expect(containers.map((container) => container.Labels['mtls-chaos.component']).sort()).toEqual(['gateway-node-1', 'gateway-node-2']);
    const interceptor = lab.interceptor!;
    const hostPids = [...interceptor.pids(), ...lab.links!['client-gateway']!.pids()];
    expect(hostPids.length).toBe(2);
    for (const pid of hostPids) expect(isAlive(pid)).toBe(true);
    for (let i = 0; i < 4; i++) expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    expect((await interceptor.stats()).passedThrough).toBeGreaterThanOrEqual(4);
    await interceptor.setMode('intercept');
    // The interception CA is not the lab's: a client that trusts only the lab root refuses it.
    expect(await attempt(lab.gateway, creds.good)).toMatchObject({ error: expect.stringMatching(/UNABLE_TO_VERIFY|SELF_SIGNED|unable to verify/i) });
    await interceptor.setMode('passthrough');
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
  }, 120_000);
});
