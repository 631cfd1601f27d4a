import { readFile, stat } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRegistryDir, type LabSpec } from '../../src/lab/index.js';
import { attempt } from '../support/gateway-client.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';
import { startTestLab, stopAndCheck } from '../support/test-lab.js';

let creds: GatewayTestPki;
beforeAll(async () => {
  creds = await buildGatewayTestPki();
});

const start = (spec: LabSpec) => startTestLab(spec, creds.pki);

describe('node gateway', () => {
  it('answers a good client with its verified identity and rejects bad ones with the reason', async () => {
    const { lab, pids, runId } = await start({ gateway: { kind: 'node' } });
    const gateway = lab.gateway;
    expect(gateway.kind).toBe('node');
    expect(pids).toHaveLength(1);

    const ok = await attempt(gateway, creds.good);
    expect(ok.status).toBe(200);
    expect(ok.replica).toBe('gateway-node');
    const echoed = JSON.parse(ok.body!) as { client: { subject: string; uris: string[]; serialNumber: string; issuer: string } };
    expect(echoed.client.subject).toBe('CN=client-1,O=mtls-chaos lab');
    expect(echoed.client.uris).toEqual(['spiffe://example.org/ns/lab/sa/client-1']);
    expect(echoed.client.serialNumber).toBe(creds.good.certificate.serialNumber);
    expect(echoed.client.issuer).toContain('mtls-chaos Lab Intermediate CA');

    expect(await attempt(gateway, creds.expired)).toMatchObject({ status: 495, reason: 'cert_expired', replica: 'gateway-node' });
    expect(await attempt(gateway, creds.foreign)).toMatchObject({ status: 495, reason: 'unknown_ca' });
    expect(await attempt(gateway, undefined)).toMatchObject({ status: 496, reason: 'certificate_required' });

    // The registry names the running gateway while the lab runs, and is gone after a clean stop.
    const registryFile = join(runRegistryDir(), `${runId}.json`);
    const registered = JSON.parse(await readFile(registryFile, 'utf8')) as { processes: { pid: number }[] };
    expect(registered.processes.map((entry) => entry.pid)).toEqual(pids);
    await stopAndCheck(lab, pids);
    await expect(stat(registryFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('serves several requests on one keep-alive connection', async () => {
    const { lab } = await start({ gateway: { kind: 'node' } });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await attempt(lab.gateway, creds.good, agent));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    } finally {
      agent.destroy();
    }
  });

  it('hot-reloads its trust bundle: the verdict changes, the process stays', async () => {
    const { lab, pids } = await start({ gateway: { kind: 'node' } });
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    await lab.gateway.reload({ trustBundlePem: creds.foreignPki.root.certificate.pem });
    expect(await attempt(lab.gateway, creds.good)).toMatchObject({ status: 495, reason: 'unknown_ca' });
    expect((await attempt(lab.gateway, creds.foreign)).status).toBe(200);
    await lab.gateway.reload({ trustBundlePem: creds.pki.root.certificate.pem + creds.foreignPki.root.certificate.pem });
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    expect(lab.gateway.pids()).toEqual(pids);
    await expect(lab.gateway.reload({ keyPem: creds.foreign.keyPem })).rejects.toMatchObject({ code: 'E_LAB_RELOAD' });
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
  });

  it('rejects a client revoked through OCSP (hard-fail), then fails closed when the responder is gone', async () => {
    const { lab, pids } = await start({
      gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000 } },
      ocspResponder: { kind: 'builtin' },
    });
    expect(pids).toHaveLength(2);
    expect(lab.components.map((component) => component.kind)).toEqual(['ocsp/builtin', 'gateway/node']);
    expect((await attempt(lab.gateway, creds.revokedLater)).status).toBe(200);
    expect(await attempt(lab.gateway, creds.revokedAtStart)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    await lab.ocspResponder!.revoke(creds.revokedLater.certificate.serialNumber, 'keyCompromise');
    expect(await attempt(lab.gateway, creds.revokedLater)).toMatchObject({ status: 495, reason: 'cert_revoked' });

    await lab.ocspResponder!.setMode({ kind: 'error-status', status: 'tryLater' });
    expect(await attempt(lab.gateway, creds.good)).toMatchObject({ status: 495, reason: 'ocsp_unavailable' });
    await lab.ocspResponder!.setMode({ kind: 'normal' });
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);

    await lab.ocspResponder!.stop();
    expect(await attempt(lab.gateway, creds.good)).toMatchObject({ status: 495, reason: 'ocsp_unavailable' });
    await stopAndCheck(lab, pids);
  });

  it('judges a resumed session like a full handshake, OCSP included', async () => {
    const { lab } = await start({
      gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000 } },
      ocspResponder: { kind: 'builtin' },
    });
    // An https.Agent caches TLS sessions; without keep-alive each request is a new, resumed connection.
    const agent = new Agent({ keepAlive: false, maxCachedSessions: 10 });
    try {
      const resumedFlags: boolean[] = [];
      for (const client of [creds.good, creds.good, creds.revokedAtStart, creds.revokedAtStart]) {
        const answer = await attempt(lab.gateway, client, agent, (reused) => resumedFlags.push(reused));
        expect(answer.status).toBe(client === creds.good ? 200 : 495);
      }
      expect(resumedFlags).toEqual([false, true, false, true]);
    } finally {
      agent.destroy();
    }
  });

  it('keeps a cached OCSP answer for cacheTtlMs', async () => {
    const { lab } = await start({
      gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 60_000, timeoutMs: 1_000 } },
      ocspResponder: { kind: 'builtin' },
    });
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    await lab.ocspResponder!.stop();
    // The answer from a moment ago is still fresh: no query, no outage seen.
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
  });

  it('lets clients in with soft-fail OCSP when the responder is down', async () => {
    const { lab } = await start({
      gateway: { kind: 'node', ocsp: { mode: 'soft-fail', cacheTtlMs: 0, timeoutMs: 500 } },
      ocspResponder: { kind: 'builtin' },
    });
    expect(await attempt(lab.gateway, creds.revokedAtStart)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    await lab.ocspResponder!.setMode({ kind: 'blackhole' });
    const started = Date.now();
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    await lab.ocspResponder!.stop();
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
  });

  it('rejects a client revoked in the CRL, and picks up a new CRL on reload', async () => {
    const { lab } = await start({ gateway: { kind: 'node', crl: true } });
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    expect(await attempt(lab.gateway, creds.revokedAtStart)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    const { issueCrl } = await import('../../src/pki/index.js');
    creds.pki.intermediate.revoke(creds.good.certificate.serialNumber, 'superseded');
    try {
      await lab.gateway.reload({ crlPem: issueCrl(creds.pki.intermediate).pem + issueCrl(creds.pki.root).pem });
      expect(await attempt(lab.gateway, creds.good)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    } finally {
      creds.pki.intermediate.unrevoke(creds.good.certificate.serialNumber);
    }
  });
});

