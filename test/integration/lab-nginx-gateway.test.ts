import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type LabSpec, type StartedGateway, type StartedLab } from '../../src/lab/index.js';
import { buildLabPki, normaliseSerial, type Credential, type LabPki } from '../../src/pki/index.js';

interface Answer {
  readonly status?: number;
  readonly reason?: string;
  readonly replica?: string;
  readonly body?: string;
  readonly error?: string;
}

/** One attempt as the load generator makes it: new connection, mTLS, one GET, the server's answer decides. */
function attempt(gateway: StartedGateway, client: Credential | undefined, agent = false as const): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: gateway.host,
        port: gateway.port,
        servername: gateway.servername,
        ca: gateway.caPem,
        ...(client ? { cert: client.chainPem, key: client.keyPem } : {}),
        agent,
        path: '/',
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            reason: res.headers['x-mtls-chaos-reason'] as string | undefined,
            replica: res.headers['x-mtls-chaos-replica'] as string | undefined,
            body,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

/** Alive = exists and is not a zombie (an orphan's zombie lingers until init reaps it). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

let pki: LabPki;
let good: Credential;
let expired: Credential;
let revokedLater: Credential;
let revokedAtStart: Credential;
let foreign: Credential;
let foreignPki: LabPki;

beforeAll(async () => {
  pki = await buildLabPki({ clients: 1 });
  good = pki.clients[0]!;
  expired = pki.intermediate.issueClient({
    subject: 'expired-client',
    notBefore: new Date(Date.now() - 2 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
  });
  revokedLater = pki.intermediate.issueClient({ subject: 'revoked-later' });
  revokedAtStart = pki.intermediate.issueClient({ subject: 'revoked-at-start' });
  pki.intermediate.revoke(revokedAtStart.certificate.serialNumber, 'keyCompromise');
  foreignPki = await buildLabPki({ clients: 1, organization: 'someone else' });
  foreign = foreignPki.clients[0]!;
});

const labs: StartedLab[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function start(spec: LabSpec): Promise<{ lab: StartedLab; pids: number[] }> {
  const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-lab-test-'));
  dirs.push(workDir);
  const lab = await startLab(spec, pki, { workDir, signal: AbortSignal.timeout(30_000), runId: `test-${process.pid}-${Date.now()}` });
  labs.push(lab);
  const pids = [...lab.gateway.pids(), ...(lab.ocspResponder?.pids() ?? [])];
  return { lab, pids };
}

async function stopAndCheck(lab: StartedLab, pids: number[]): Promise<void> {
  await lab.stop();
  for (const pid of pids) expect(isAlive(pid), `pid ${pid} still alive after stop()`).toBe(false);
}

describe('nginx gateway', () => {
  it('answers a good client and rejects bad ones with 400, the reason in its error log', async () => {
    const { lab, pids } = await start({ gateway: { kind: 'nginx' } });
    const gateway = lab.gateway;
    expect(gateway.kind).toBe('nginx');
    expect(pids.length).toBeGreaterThanOrEqual(2); // master + worker_processes 1

    const ok = await attempt(gateway, good);
    expect(ok).toMatchObject({ status: 200, replica: 'gateway-nginx' });
    const echoed = JSON.parse(ok.body!) as { client: { subject: string; verify: string; serialNumber: string } };
    expect(echoed.client).toMatchObject({ subject: 'CN=client-1,O=mtls-chaos lab', verify: 'SUCCESS' });
    // nginx prints whole octets ($ssl_client_serial 0F1A...), we keep no leading zeros.
    expect(normaliseSerial(echoed.client.serialNumber)).toBe(good.certificate.serialNumber);

    const reasonOf = async (client: Credential | undefined) => {
      const since = Date.now();
      const answer = await attempt(gateway, client);
      return { status: answer.status, replica: answer.replica, logged: await gateway.rejectionReasonSince!(since) };
    };
    expect(await reasonOf(expired)).toEqual({ status: 400, replica: 'gateway-nginx', logged: 'cert_expired' });
    expect(await reasonOf(foreign)).toMatchObject({ status: 400, logged: 'unknown_ca' });
    expect(await reasonOf(undefined)).toMatchObject({ status: 400, logged: 'certificate_required' });
    await stopAndCheck(lab, pids);
  });

  it('reloads a new trust bundle with SIGHUP: new workers, same master', async () => {
    const { lab } = await start({ gateway: { kind: 'nginx' } });
    const gateway = lab.gateway as StartedGateway & { masterPid: number };
    const master = gateway.masterPid;
    const workersBefore = gateway.pids().filter((pid) => pid !== master);
    expect((await attempt(gateway, good)).status).toBe(200);
    await gateway.reload({ trustBundlePem: foreignPki.root.certificate.pem });
    const since = Date.now();
    expect((await attempt(gateway, good)).status).toBe(400);
    expect(await gateway.rejectionReasonSince!(since)).toBe('unknown_ca');
    expect((await attempt(gateway, foreign)).status).toBe(200);
    expect(gateway.masterPid).toBe(master);
    expect(gateway.pids()).toContain(master);
    expect(gateway.pids().filter((pid) => pid !== master && workersBefore.includes(pid))).toEqual([]);
    // A key that does not match the certificate: nginx refuses the reload and keeps serving.
    await expect(gateway.reload({ keyPem: foreign.keyPem })).rejects.toMatchObject({ code: 'E_LAB_RELOAD' });
    expect((await attempt(gateway, foreign)).status).toBe(200);
  });

  it('rejects a client revoked in the CRL (ssl_crl)', async () => {
    const { lab } = await start({ gateway: { kind: 'nginx', crl: true } });
    expect((await attempt(lab.gateway, good)).status).toBe(200);
    const since = Date.now();
    expect((await attempt(lab.gateway, revokedAtStart)).status).toBe(400);
    expect(await lab.gateway.rejectionReasonSince!(since)).toBe('cert_revoked');
  });

  it('checks clients with ssl_ocsp against our responder, and fails closed without it', async () => {
    const { lab, pids } = await start({
      gateway: { kind: 'nginx', ocsp: { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000 } },
      ocspResponder: { kind: 'builtin' },
    });
    expect((await attempt(lab.gateway, good)).status).toBe(200);
    let since = Date.now();
    expect((await attempt(lab.gateway, revokedAtStart)).status).toBe(400);
    expect(await lab.gateway.rejectionReasonSince!(since)).toBe('cert_revoked');

    await lab.ocspResponder!.stop();
    since = Date.now();
    // revokedLater was never asked about, so nothing is cached for it.
    expect((await attempt(lab.gateway, revokedLater)).status).toBe(400);
    expect(await lab.gateway.rejectionReasonSince!(since)).toBe('ocsp_unavailable');
    await stopAndCheck(lab, pids);
  });

  it('refuses soft-fail OCSP, which nginx cannot do, before starting anything', async () => {
    await expect(
      start({ gateway: { kind: 'nginx', ocsp: { mode: 'soft-fail', cacheTtlMs: 0, timeoutMs: 1_000 } }, ocspResponder: { kind: 'builtin' } }),
    ).rejects.toMatchObject({ code: 'E_LAB_NGINX_CONFIG' });
  });
});
