import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import type Docker from 'dockerode';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { RUN_ID_LABEL } from '../../src/lab/docker/index.js';
import type { RunResult } from '../../src/result/index.js';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { leftoversOf, requireDocker, runIdOfDir } from '../support/docker-engine.js';
import { attempt } from '../support/gateway-client.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';
import { runDrillOnDocker, startDockerLab } from '../support/docker-lab.js';

const MITMPROXY_IMAGE = 'mtls-chaos/mitmproxy:latest';

let docker: Docker;
let creds: GatewayTestPki;
beforeAll(async () => {
  docker = await requireDocker();
  try {
    await docker.getImage(MITMPROXY_IMAGE).inspect();
  } catch {
    throw new Error(`the mitmproxy interceptor tests need the image ${MITMPROXY_IMAGE}: build it with containers/build-images.sh (npm run containers:build; it installs Debian's mitmproxy from the apt mirror)`);
  }
  creds = await buildGatewayTestPki();
});

function startMitmproxyLab() {
  return startDockerLab({ gateway: { kind: 'node' }, interceptor: { kind: 'mitmproxy' } }, creds.pki, { timeoutMs: 90_000, keepPkiFiles: true });
}

/** A TLS connection with a client certificate through the interceptor, kept open; resolves how it ended. */
function openConnection(port: number, caPem: string): Promise<{ ended: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: caPem, cert: creds.good.chainPem, key: creds.good.keyPem });
    const ended = new Promise<string>((done) => {
      socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
      socket.once('close', () => done('closed'));
    });
    socket.once('secureConnect', () => resolve({ ended }));
    socket.once('error', reject);
  });
}

describe('mitmproxy as the interceptor, in its own container', () => {
  it('passes through (client certificates reach the gateway), then intercepts without restarting: resets what it passed through, re-signs, drops the identity; and back', async () => {
    const { lab, runId, workDir } = await startMitmproxyLab();
    const interceptor = lab.interceptor!;
    expect(interceptor.kind).toBe('mitmproxy');
    expect(lab.components.map((component) => component.kind)).toEqual(['gateway/node', 'interceptor/mitmproxy']);
    const containers = await docker.listContainers({ filters: JSON.stringify({ label: [`${RUN_ID_LABEL}=${runId}`] }) });
    const container = containers.find((entry) => entry.Labels['mtls-chaos.component'] === 'interceptor-mitmproxy')!;
    expect(container.Image).toBe(MITMPROXY_IMAGE);
    for (const port of container.Ports.filter((entry) => entry.PublicPort !== undefined)) expect(port.IP).toBe('127.0.0.1');
    // Keys in the run's PKI folder only, 0600; mitmproxy's confdir 0700.
    const pkiDir = join(workDir, 'pki');
    for (const file of ['interceptor-mitmproxy-leaf.pem', 'interceptor-mitmproxy-conf/mitmproxy-ca.pem']) {
      expect((await stat(join(pkiDir, file))).mode & 0o777, file).toBe(0o600);
    }
    expect((await stat(join(pkiDir, 'interceptor-mitmproxy-conf'))).mode & 0o777).toBe(0o700);

    // Passthrough: TLS end to end, the gateway verifies the client itself.
    expect(await attempt(lab.gateway, creds.good)).toMatchObject({ status: 200 });
    expect(await attempt(lab.gateway, creds.foreign)).toMatchObject({ status: 495, reason: 'unknown_ca' });
    const held = await openConnection(lab.gateway.port, lab.gateway.caPem);

    await interceptor.setMode('intercept');
    // The connection passed through before the switch is cut, not left to finish un-intercepted.
    expect(['ECONNRESET', 'closed']).toContain(await held.ended);
    // Clients that trust only the lab root refuse the interceptor's certificate.
    expect((await attempt(lab.gateway, creds.good)).error).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
    // Clients that trust the interception CA get through to the gateway, which sees no certificate.
    const trusting = { host: lab.gateway.host, port: lab.gateway.port, servername: lab.gateway.servername, caPem: `${interceptor.caPem}${lab.gateway.caPem}` };
    expect(await attempt(trusting as typeof lab.gateway, creds.good)).toMatchObject({ status: 496, reason: 'certificate_required' });
    // The certificate is the interceptor's: issued by its own CA, for the gateway's name.
    const peer = await new Promise<{ issuer: string; subject: string }>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: lab.gateway.port, servername: 'localhost', ca: interceptor.caPem }, () => {
        const certificate = socket.getPeerCertificate();
        socket.destroy();
        resolve({ issuer: String(certificate.issuer.CN), subject: String(certificate.subject.CN) });
      });
      socket.once('error', reject);
    });
    expect(peer).toEqual({ issuer: 'mtls-chaos Interception CA', subject: 'localhost' });

    // The addon rewrites its counters every 100 ms.
    await expect.poll(async () => (await interceptor.stats()).clientHandshakeFailures, { timeout: 3_000 }).toBeGreaterThanOrEqual(1);
    const during = await interceptor.stats();
    expect(during).toMatchObject({ mode: 'intercept', upstreamFailures: 0 });
    expect(during.passedThrough).toBeGreaterThanOrEqual(3);
    expect(during.resetAtSwitch).toBeGreaterThanOrEqual(1);
    expect(during.intercepted).toBeGreaterThanOrEqual(1);
    expect(during.clientHandshakeFailures).toBeGreaterThanOrEqual(1);

    await interceptor.setMode('passthrough');
    expect(await attempt(lab.gateway, creds.good)).toMatchObject({ status: 200 });
    await expect.poll(async () => (await interceptor.stats()).passedThrough, { timeout: 3_000 }).toBe(during.passedThrough + 1);
    // mitmdump's own log is in the run folder.
    expect(await readdir(join(workDir, 'components'))).toEqual(expect.arrayContaining(['interceptor-mitmproxy.log', 'interceptor-mitmproxy']));
  }, 120_000);
});


/** The interception drills' own expectations, as test/integration/drill-interception.test.ts has them for the builtin interceptor. */
function expectEveryInterceptedAttemptRefused(result: RunResult, category: 'certificate_required' | 'unknown_ca'): void {
  const fault = result.byPhase.fault!;
  expect(result.status).toBe('completed');
  expect(result.lab.components.map((component) => component.kind)).toEqual(['gateway/node', 'interceptor/mitmproxy']);
  expect(fault.attempts).toBeGreaterThan(100);
  expect(fault.categories.ok).toBe(0);
  expect(fault.categories[category] / fault.attempts).toBeGreaterThanOrEqual(0.95);
  const allowed = new Set([category, 'connection_reset', 'unknown_ca']);
  expect(Object.entries(fault.categories).filter(([name, count]) => !allowed.has(name) && count > 0)).toEqual([]);
  expect(result.verdict).toBe('pass');
}

describe('drills interception-*-mitmproxy (runtime docker)', () => {
  it('interception-trusted-mitmproxy: clients trust mitmproxy\'s CA, the gateway sees no client certificate (certificate_required)', async () => {
    const { result, exitCode } = await runDrillOnDocker(docker, 'interception-trusted-mitmproxy');
    expectEveryInterceptedAttemptRefused(result, 'certificate_required');
    expect(exitCode).toBe(0);
  }, 120_000);

  it('interception-untrusted-mitmproxy: clients refuse mitmproxy\'s certificate (unknown_ca) before the gateway is involved', async () => {
    const { result, exitCode } = await runDrillOnDocker(docker, 'interception-untrusted-mitmproxy');
    expectEveryInterceptedAttemptRefused(result, 'unknown_ca');
    expect(result.byPhase.fault!.categories.certificate_required).toBe(0);
    expect(exitCode).toBe(0);
  }, 120_000);

  it('heals: success through the passthrough before the fault, certificate_required during it, success again after', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-mitmproxy-heal-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'mitmproxy-heal.yaml');
    await writeFile(
      file,
      [
        'name: mitmproxy-heal',
        'description: interception by mitmproxy for 4 s, then healed',
        'runtime: docker',
        'lab: { gateway: { kind: node }, interceptor: { kind: mitmproxy } }',
        'pki: { clients: 2 }',
        'load: { rate: 10/s, duration: 12s, timeout: 3s }',
        'faults: [{ at: 3s, for: 4s, kind: interception, clientsTrustInterceptor: true }]',
        '',
      ].join('\n'),
    );
    const { result, dir: runDir } = await runScenario(await loadScenario(file), { outDir: dir, signal: AbortSignal.timeout(100_000) });
    expect(result.error).toBeUndefined();
    expect(result.faults[0]!.healedAtMs).toBeDefined();
    const baseline = result.byPhase.baseline!;
    expect(baseline.attempts).toBeGreaterThan(20);
    expect(baseline.successRate).toBeGreaterThanOrEqual(0.99);
    expect(result.byPhase.fault!.categories.certificate_required).toBeGreaterThan(25);
    const recovery = result.byPhase.recovery!;
    expect(recovery.attempts).toBeGreaterThan(35);
    expect(recovery.successRate).toBeGreaterThanOrEqual(0.98);
    expect(recovery.categories.unknown_ca).toBe(0);
    expect(await leftoversOf(docker, runIdOfDir(runDir, 'mitmproxy-heal'))).toBe(0);
  }, 120_000);
});
