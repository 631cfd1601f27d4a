import { beforeAll, describe, expect, it } from 'vitest';
import type { LabSpec, StartedGateway } from '../../src/lab/index.js';
import { normaliseSerial, type Credential } from '../../src/pki/index.js';
import { attempt } from '../support/gateway-client.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';
import { startTestLab, stopAndCheck } from '../support/test-lab.js';

let creds: GatewayTestPki;
beforeAll(async () => {
  creds = await buildGatewayTestPki();
});

const start = (spec: LabSpec) => startTestLab(spec, creds.pki);

describe('nginx gateway', () => {
  it('answers a good client and rejects bad ones with 400, the reason in its error log', async () => {
    const { lab, pids } = await start({ gateway: { kind: 'nginx' } });
    const gateway = lab.gateway;
    expect(gateway.kind).toBe('nginx');
    expect(pids.length).toBeGreaterThanOrEqual(2); // master + worker_processes 1

    const ok = await attempt(gateway, creds.good);
    expect(ok).toMatchObject({ status: 200, replica: 'gateway-nginx' });
    const echoed = JSON.parse(ok.body!) as { client: { subject: string; verify: string; serialNumber: string } };
    expect(echoed.client).toMatchObject({ subject: 'CN=client-1,O=mtls-chaos lab', verify: 'SUCCESS' });
    // nginx prints whole octets ($ssl_client_serial 0F1A...), we keep no leading zeros.
    expect(normaliseSerial(echoed.client.serialNumber)).toBe(creds.good.certificate.serialNumber);

    const reasonOf = async (client: Credential | undefined) => {
      const since = Date.now();
      const answer = await attempt(gateway, client);
      return { status: answer.status, replica: answer.replica, logged: await gateway.rejectionReasonSince!(since) };
    };
    expect(await reasonOf(creds.expired)).toEqual({ status: 400, replica: 'gateway-nginx', logged: 'cert_expired' });
    expect(await reasonOf(creds.foreign)).toMatchObject({ status: 400, logged: 'unknown_ca' });
    expect(await reasonOf(undefined)).toMatchObject({ status: 400, logged: 'certificate_required' });
    await stopAndCheck(lab, pids);
  });

  it('reloads a new trust bundle with SIGHUP: new workers, same master', async () => {
    const { lab } = await start({ gateway: { kind: 'nginx' } });
    const gateway = lab.gateway as StartedGateway & { masterPid: number };
    const master = gateway.masterPid;
    const workersBefore = gateway.pids().filter((pid) => pid !== master);
    expect((await attempt(gateway, creds.good)).status).toBe(200);
    await gateway.reload({ trustBundlePem: creds.foreignPki.root.certificate.pem });
    const since = Date.now();
    expect((await attempt(gateway, creds.good)).status).toBe(400);
    expect(await gateway.rejectionReasonSince!(since)).toBe('unknown_ca');
    expect((await attempt(gateway, creds.foreign)).status).toBe(200);
    expect(gateway.masterPid).toBe(master);
    expect(gateway.pids()).toContain(master);
    expect(gateway.pids().filter((pid) => pid !== master && workersBefore.includes(pid))).toEqual([]);
    // A key that does not match the certificate: nginx refuses the reload and keeps serving.
    await expect(gateway.reload({ keyPem: creds.foreign.keyPem })).rejects.toMatchObject({ code: 'E_LAB_RELOAD' });
    expect((await attempt(gateway, creds.foreign)).status).toBe(200);
  });

  it('rejects a client revoked in the CRL (ssl_crl)', async () => {
    const { lab } = await start({ gateway: { kind: 'nginx', crl: true } });
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    const since = Date.now();
    expect((await attempt(lab.gateway, creds.revokedAtStart)).status).toBe(400);
    expect(await lab.gateway.rejectionReasonSince!(since)).toBe('cert_revoked');
  });

  it('checks clients with ssl_ocsp against our responder, and fails closed without it', async () => {
    const { lab, pids } = await start({
      gateway: { kind: 'nginx', ocsp: { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000 } },
      ocspResponder: { kind: 'builtin' },
    });
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    let since = Date.now();
    expect((await attempt(lab.gateway, creds.revokedAtStart)).status).toBe(400);
    expect(await lab.gateway.rejectionReasonSince!(since)).toBe('cert_revoked');

    await lab.ocspResponder!.stop();
    since = Date.now();
    // revokedLater was never asked about, so nothing is cached for it.
    expect((await attempt(lab.gateway, creds.revokedLater)).status).toBe(400);
    expect(await lab.gateway.rejectionReasonSince!(since)).toBe('ocsp_unavailable');
    await stopAndCheck(lab, pids);
  });

  it('refuses soft-fail OCSP, which nginx cannot do, before starting anything', async () => {
    await expect(
      start({ gateway: { kind: 'nginx', ocsp: { mode: 'soft-fail', cacheTtlMs: 0, timeoutMs: 1_000 } }, ocspResponder: { kind: 'builtin' } }),
    ).rejects.toMatchObject({ code: 'E_LAB_NGINX_CONFIG' });
  });
});
