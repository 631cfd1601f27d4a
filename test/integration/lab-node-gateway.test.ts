import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { Agent } from 'node:https';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runRegistryDir, startLab, type LabSpec, type StartedGateway, type StartedLab } from '../../src/lab/index.js';
import { buildLabPki, type Credential, type LabPki } from '../../src/pki/index.js';

interface Answer {
  readonly status?: number;
  readonly reason?: string;
  readonly replica?: string;
  readonly body?: string;
  readonly error?: string;
}

/** One attempt as the load generator makes it: new connection, mTLS, one GET, the server's answer decides. */
function attempt(
  gateway: StartedGateway,
  client: Credential | undefined,
  agent: Agent | false = false,
  onSocket?: (resumed: boolean) => void,
): Promise<Answer> {
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
        onSocket?.((res.socket as TLSSocket).isSessionReused());
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

async function start(spec: LabSpec): Promise<{ lab: StartedLab; pids: number[]; runId: string }> {
  const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-lab-test-'));
  dirs.push(workDir);
  const runId = `test-${process.pid}-${Date.now()}`;
  const lab = await startLab(spec, pki, { workDir, signal: AbortSignal.timeout(30_000), runId });
  labs.push(lab);
  const pids = [...lab.gateway.pids(), ...(lab.ocspResponder?.pids() ?? [])];
  return { lab, pids, runId };
}

async function stopAndCheck(lab: StartedLab, pids: number[]): Promise<void> {
  await lab.stop();
  for (const pid of pids) expect(isAlive(pid), `pid ${pid} still alive after stop()`).toBe(false);
}

describe('node gateway', () => {
  it('answers a good client with its verified identity and rejects bad ones with the reason', async () => {
    const { lab, pids, runId } = await start({ gateway: { kind: 'node' } });
    const gateway = lab.gateway;
    expect(gateway.kind).toBe('node');
    expect(pids).toHaveLength(1);

    const ok = await attempt(gateway, good);
    expect(ok.status).toBe(200);
    expect(ok.replica).toBe('gateway-node');
    const echoed = JSON.parse(ok.body!) as { client: { subject: string; uris: string[]; serialNumber: string; issuer: string } };
    expect(echoed.client.subject).toBe('CN=client-1,O=mtls-chaos lab');
    expect(echoed.client.uris).toEqual(['spiffe://example.org/ns/lab/sa/client-1']);
    expect(echoed.client.serialNumber).toBe(good.certificate.serialNumber);
    expect(echoed.client.issuer).toContain('mtls-chaos Lab Intermediate CA');

    expect(await attempt(gateway, expired)).toMatchObject({ status: 495, reason: 'cert_expired', replica: 'gateway-node' });
    expect(await attempt(gateway, foreign)).toMatchObject({ status: 495, reason: 'unknown_ca' });
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
      for (let i = 0; i < 3; i++) answers.push(await attempt(lab.gateway, good, agent));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    } finally {
      agent.destroy();
    }
  });

  it('hot-reloads its trust bundle: the verdict changes, the process stays', async () => {
    const { lab, pids } = await start({ gateway: { kind: 'node' } });
    expect((await attempt(lab.gateway, good)).status).toBe(200);
    await lab.gateway.reload({ trustBundlePem: foreignPki.root.certificate.pem });
    expect(await attempt(lab.gateway, good)).toMatchObject({ status: 495, reason: 'unknown_ca' });
    expect((await attempt(lab.gateway, foreign)).status).toBe(200);
    await lab.gateway.reload({ trustBundlePem: pki.root.certificate.pem + foreignPki.root.certificate.pem });
    expect((await attempt(lab.gateway, good)).status).toBe(200);
    expect(lab.gateway.pids()).toEqual(pids);
    await expect(lab.gateway.reload({ keyPem: foreign.keyPem })).rejects.toMatchObject({ code: 'E_LAB_RELOAD' });
    expect((await attempt(lab.gateway, good)).status).toBe(200);
  });

  it('rejects a client revoked through OCSP (hard-fail), then fails closed when the responder is gone', async () => {
    const { lab, pids } = await start({
      gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 0, timeoutMs: 1_000 } },
      ocspResponder: { kind: 'builtin' },
    });
    expect(pids).toHaveLength(2);
    expect(lab.components.map((component) => component.kind)).toEqual(['ocsp/builtin', 'gateway/node']);
    expect((await attempt(lab.gateway, revokedLater)).status).toBe(200);
    expect(await attempt(lab.gateway, revokedAtStart)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    await lab.ocspResponder!.revoke(revokedLater.certificate.serialNumber, 'keyCompromise');
    expect(await attempt(lab.gateway, revokedLater)).toMatchObject({ status: 495, reason: 'cert_revoked' });

    await lab.ocspResponder!.setMode({ kind: 'error-status', status: 'tryLater' });
    expect(await attempt(lab.gateway, good)).toMatchObject({ status: 495, reason: 'ocsp_unavailable' });
    await lab.ocspResponder!.setMode({ kind: 'normal' });
    expect((await attempt(lab.gateway, good)).status).toBe(200);

    await lab.ocspResponder!.stop();
    expect(await attempt(lab.gateway, good)).toMatchObject({ status: 495, reason: 'ocsp_unavailable' });
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
      for (const client of [good, good, revokedAtStart, revokedAtStart]) {
        const answer = await attempt(lab.gateway, client, agent, (reused) => resumedFlags.push(reused));
        expect(answer.status).toBe(client === good ? 200 : 495);
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
    expect((await attempt(lab.gateway, good)).status).toBe(200);
    await lab.ocspResponder!.stop();
    // The answer from a moment ago is still fresh: no query, no outage seen.
    expect((await attempt(lab.gateway, good)).status).toBe(200);
  });

  it('lets clients in with soft-fail OCSP when the responder is down', async () => {
    const { lab } = await start({
      gateway: { kind: 'node', ocsp: { mode: 'soft-fail', cacheTtlMs: 0, timeoutMs: 500 } },
      ocspResponder: { kind: 'builtin' },
    });
    expect(await attempt(lab.gateway, revokedAtStart)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    await lab.ocspResponder!.setMode({ kind: 'blackhole' });
    const started = Date.now();
    expect((await attempt(lab.gateway, good)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    await lab.ocspResponder!.stop();
    expect((await attempt(lab.gateway, good)).status).toBe(200);
  });

  it('rejects a client revoked in the CRL, and picks up a new CRL on reload', async () => {
    const { lab } = await start({ gateway: { kind: 'node', crl: true } });
    expect((await attempt(lab.gateway, good)).status).toBe(200);
    expect(await attempt(lab.gateway, revokedAtStart)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    const { issueCrl } = await import('../../src/pki/index.js');
    pki.intermediate.revoke(good.certificate.serialNumber, 'superseded');
    try {
      await lab.gateway.reload({ crlPem: issueCrl(pki.intermediate).pem + issueCrl(pki.root).pem });
      expect(await attempt(lab.gateway, good)).toMatchObject({ status: 495, reason: 'cert_revoked' });
    } finally {
      pki.intermediate.unrevoke(good.certificate.serialNumber);
    }
  });
});

