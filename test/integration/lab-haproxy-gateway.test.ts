import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { beforeAll, describe, expect, it } from 'vitest';
import { findHaproxy, type LabSpec, type StartedGateway } from '../../src/lab/index.js';
import { issueCrl, normaliseSerial } from '../../src/pki/index.js';
import { probe } from '../../src/load/index.js';
import { attempt } from '../support/gateway-client.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';
import { startTestLab, stopAndCheck } from '../support/test-lab.js';

let creds: GatewayTestPki;
beforeAll(async () => {
  // Fails (not skips) without haproxy, with the hint to install it.
  findHaproxy();
  creds = await buildGatewayTestPki();
});

const start = (spec: LabSpec) => startTestLab(spec, creds.pki);

describe('haproxy gateway', () => {
  it('answers a good client and refuses bad ones with 495/496 naming the reason, in master-worker mode', async () => {
    const { lab, pids } = await start({ gateway: { kind: 'haproxy' } });
    const gateway = lab.gateway as StartedGateway & { masterPid: number; configFile: string };
    expect(gateway.kind).toBe('haproxy');
    expect(pids.length).toBeGreaterThanOrEqual(2); // master + worker
    expect(await readFile(gateway.configFile, 'utf8')).toMatch(/bind 127\.0\.0\.1:\d+ ssl crt .* verify optional/);

    const ok = await attempt(gateway, creds.good);
    expect(ok).toMatchObject({ status: 200, replica: 'gateway-haproxy' });
    const echoed = JSON.parse(ok.body!) as { replica: string; client: { subject: string; issuer: string; verify: string; serialNumber: string } };
    expect(echoed.client).toMatchObject({ subject: 'CN=client-1,O=mtls-chaos lab', verify: 'SUCCESS' });
    expect(normaliseSerial(echoed.client.serialNumber)).toBe(creds.good.certificate.serialNumber);

    expect(await attempt(gateway, creds.expired)).toMatchObject({ status: 495, reason: 'cert_expired', replica: 'gateway-haproxy' });
    expect(await attempt(gateway, creds.foreign)).toMatchObject({ status: 495, reason: 'unknown_ca' });
    expect(await attempt(gateway, undefined)).toMatchObject({ status: 496, reason: 'certificate_required' });
    await stopAndCheck(lab, pids);
  });

  it('rejects a client revoked in the CRL (crl-file) as cert_revoked, and a CRL reload revokes another', async () => {
    const { lab } = await start({ gateway: { kind: 'haproxy', crl: true } });
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    expect(await attempt(lab.gateway, creds.revokedAtStart)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    expect((await attempt(lab.gateway, creds.revokedLater)).status).toBe(200);
    creds.pki.intermediate.revoke(creds.revokedLater.certificate.serialNumber, 'keyCompromise');
    try {
      await lab.gateway.reload({ crlPem: issueCrl(creds.pki.intermediate).pem + issueCrl(creds.pki.root).pem });
      expect(await attempt(lab.gateway, creds.revokedLater)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    } finally {
      creds.pki.intermediate.unrevoke(creds.revokedLater.certificate.serialNumber);
    }
  });

  it('reloads a new trust bundle with SIGUSR2 (same master, new worker) without dropping service', async () => {
    const { lab } = await start({ gateway: { kind: 'haproxy' } });
    const gateway = lab.gateway as StartedGateway & { masterPid: number };
    const master = gateway.masterPid;
    const workersBefore = gateway.pids().filter((pid) => pid !== master);
    // Old + new CA: every client of either PKI must be served during and after the reload.
    const bundle = creds.pki.root.certificate.pem + creds.foreignPki.root.certificate.pem;
    let stop = false;
    const outcomes: string[] = [];
    const traffic = (async () => {
      while (!stop) {
        const answer = await probe(`https://127.0.0.1:${gateway.port}/`, {
          certPem: creds.good.chainPem,
          keyPem: creds.good.keyPem,
          caPem: gateway.caPem,
          servername: gateway.servername,
          timeoutMs: 5_000,
        });
        outcomes.push(answer.category);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await gateway.reload({ trustBundlePem: bundle });
    await gateway.reload({ trustBundlePem: bundle });
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop = true;
    await traffic;
    expect(outcomes.length).toBeGreaterThan(10);
    expect(outcomes.filter((category) => category !== 'ok')).toEqual([]);
    expect((await attempt(gateway, creds.foreign)).status).toBe(200);
    expect(gateway.masterPid).toBe(master);
    expect(gateway.pids()).toContain(master);
    expect(gateway.pids().filter((pid) => workersBefore.includes(pid))).toEqual([]);

    // Only the foreign CA: the lab's clients are now unknown_ca.
    await gateway.reload({ trustBundlePem: creds.foreignPki.root.certificate.pem });
    expect(await attempt(gateway, creds.good)).toMatchObject({ status: 495, reason: 'unknown_ca' });
    // A key that does not match the certificate: the master logs "Loading failure!", the files roll back,
    // and the running worker keeps serving.
    await expect(gateway.reload({ keyPem: creds.foreign.keyPem })).rejects.toMatchObject({ code: 'E_LAB_RELOAD' });
    expect((await attempt(gateway, creds.foreign)).status).toBe(200);
    await gateway.reload({});
    expect((await attempt(gateway, creds.foreign)).status).toBe(200);
  });

  it('with rejectWith alert (verify required) refuses in the handshake with an alert naming the reason', async () => {
    const { lab } = await start({ gateway: { kind: 'haproxy', rejectWith: 'alert', crl: true } });
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    expect(await attempt(lab.gateway, creds.expired)).toMatchObject({ error: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED' });
    expect(await attempt(lab.gateway, creds.foreign)).toMatchObject({ error: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' });
    expect(await attempt(lab.gateway, creds.revokedAtStart)).toMatchObject({ error: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED' });
    expect(await attempt(lab.gateway, undefined)).toMatchObject({ error: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
  });

  it('refuses a resumed session of a refused client again (ssl_c_verify lives in the session)', async () => {
    const { lab } = await start({ gateway: { kind: 'haproxy' } });
    const agent = new Agent({ keepAlive: false, maxCachedSessions: 10 });
    const resumed: boolean[] = [];
    const answers = [];
    for (let index = 0; index < 3; index++) answers.push(await attempt(lab.gateway, creds.expired, agent, (reused) => resumed.push(reused)));
    expect(resumed.slice(1)).toContain(true);
    for (const answer of answers) expect(answer).toMatchObject({ status: 495, reason: 'cert_expired' });
    agent.destroy();
  });

  it('says how to install haproxy when it is missing', () => {
    expect(() => findHaproxy('', [])).toThrow(
      expect.objectContaining({ code: 'E_LAB_HAPROXY_MISSING', hint: expect.stringContaining('apt-get install haproxy') }),
    );
  });

  it('tells each replica apart behind the balancer, also in its refusals', async () => {
    const { lab } = await start({ gateway: { kind: 'haproxy', replicas: 2 }, balancer: { kind: 'builtin' } });
    const replicas = new Set<string | undefined>();
    for (let index = 0; index < 4; index++) replicas.add((await attempt(lab.gateway, index % 2 ? creds.good : creds.expired)).replica);
    expect([...replicas].sort()).toEqual(['gateway-haproxy-1', 'gateway-haproxy-2']);
    // Only replica 2 reloads: replica 1 stays on the old bundle (a stale replica).
    await lab.replicas[1]!.reload({ trustBundlePem: creds.foreignPki.root.certificate.pem });
    const answers = [await attempt(lab.gateway, creds.good), await attempt(lab.gateway, creds.good)];
    expect(answers.map((answer) => [answer.replica, answer.status, answer.reason]).sort()).toEqual([
      ['gateway-haproxy-1', 200, undefined],
      ['gateway-haproxy-2', 495, 'unknown_ca'],
    ]);
  });

  it('refuses OCSP and SAN authorization, which haproxy cannot do, before starting anything', async () => {
    await expect(
      start({ gateway: { kind: 'haproxy', ocsp: { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000 } }, ocspResponder: { kind: 'builtin' } }),
    ).rejects.toMatchObject({ code: 'E_LAB_HAPROXY_CONFIG' });
    await expect(start({ gateway: { kind: 'haproxy', authorization: { allowSans: ['spiffe://x/y'] } } })).rejects.toMatchObject({
      code: 'E_LAB_HAPROXY_CONFIG',
    });
  });
});

