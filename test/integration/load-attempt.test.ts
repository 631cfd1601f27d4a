import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { probe, resolveTarget, runAttempt, type ClientIdentity } from '../../src/load/index.js';
import { buildLabPki, CertificateAuthority, type Credential, type LabPki } from '../../src/pki/index.js';
import { pickFreePort } from '../../src/lab/free-port.js';
import {
  startAlertServer,
  startBlackhole,
  closeAfterTest,
  startHttpsServer,
  startResetServer,
} from '../support/load-test-servers.js';

const DAY_MS = 86_400_000;
let pki: LabPki;
let caPem: string;
let expired: Credential;
let notYetValid: Credential;
let stranger: Credential;

beforeAll(async () => {
  pki = await buildLabPki({ clients: 2 });
  caPem = pki.root.certificate.pem;
  expired = pki.intermediate.issueClient({ subject: 'expired', notBefore: new Date(Date.now() - 2 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
  notYetValid = pki.intermediate.issueClient({ subject: 'future', notBefore: new Date(Date.now() + DAY_MS), notAfter: new Date(Date.now() + 2 * DAY_MS) });
  stranger = CertificateAuthority.createRoot({ subject: 'Stranger Root' }).issueClient({ subject: 'stranger' });
});

const client = (credential: Credential | undefined) => (credential ? { certPem: credential.chainPem, keyPem: credential.keyPem } : {});
const identity = (credential: Credential): ClientIdentity => ({ name: credential.name, certPem: credential.chainPem, keyPem: credential.keyPem });

describe('an attempt against a gateway that answers in HTTP', () => {
  it('is ok on 200, with every phase timed, the TLS version and the replica that answered', async () => {
    const server = await closeAfterTest(startHttpsServer({ server: pki.servers[0]!, clientCaPem: caPem, respond: () => ({ status: 200, headers: { 'x-mtls-chaos-replica': 'gw-2' } }) }));
    const target = await resolveTarget({ url: server.url, identities: [identity(pki.clients[0]!)], caPem });
    const now = performance.now();
    const { record } = await runAttempt(target, target.identities[0]!, { dueAt: now, scheduledAtMs: 0 });
    expect(record).toMatchObject({ category: 'ok', httpStatus: 200, replica: 'gw-2', tlsVersion: 'TLSv1.3', identity: 'client-1', resumed: false });
    expect(record.rawCode).toBeUndefined();
    for (const phase of [record.tcpConnectMs, record.tlsHandshakeMs, record.firstByteMs]) expect(phase).toBeGreaterThan(0);
    expect(record.totalMs).toBeGreaterThanOrEqual(record.tcpConnectMs! + record.tlsHandshakeMs! + record.firstByteMs!);
  });

  it.each([
    [403, {}, 'forbidden'],
    [500, {}, 'http_error'],
    [495, { 'x-mtls-chaos-reason': 'cert_revoked' }, 'cert_revoked'],
    [495, { 'x-mtls-chaos-reason': 'ocsp_unavailable' }, 'ocsp_unavailable'],
  ] as const)('classifies HTTP %i %o as %s', async (status, headers, category) => {
    const server = await closeAfterTest(startHttpsServer({ server: pki.servers[0]!, clientCaPem: caPem, respond: () => ({ status, headers }) }));
    const result = await probe(server.url, { caPem, ...client(pki.clients[0]) });
    expect(result.category).toBe(category);
    expect(result.httpStatus).toBe(status);
  });

  it('resumes the identity\'s TLS session on the next attempt when resumption is on, and not when off', async () => {
    const server = await closeAfterTest(startHttpsServer({ server: pki.servers[0]!, clientCaPem: caPem }));
    for (const resume of [true, false]) {
      const target = await resolveTarget({ url: server.url, identities: [identity(pki.clients[0]!)], caPem, resume });
      const records = [];
      for (let i = 0; i < 3; i += 1) {
        const now = performance.now();
        records.push((await runAttempt(target, target.identities[0]!, { dueAt: now, scheduledAtMs: 0 })).record);
      }
      expect(records.map((record) => record.category)).toEqual(['ok', 'ok', 'ok']);
      expect(records.map((record) => record.resumed)).toEqual(resume ? [false, true, true] : [false, false, false]);
    }
  });

  it('resolves at the outcome; socketClosed resolves once the connection is gone on both sides', async () => {
    const server = await closeAfterTest(startHttpsServer({ server: pki.servers[0]!, clientCaPem: caPem }));
    const target = await resolveTarget({ url: server.url, identities: [identity(pki.clients[0]!)], caPem, resume: false });
    const openConnections = () => new Promise<number>((resolve, reject) => server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    for (let i = 0; i < 3; i += 1) {
      const outcome = await runAttempt(target, target.identities[0]!, { dueAt: performance.now(), scheduledAtMs: 0 });
      expect(outcome.record.category).toBe('ok');
      await outcome.socketClosed;
      // The server notices the client's FIN on a later turn of its loop (the same process here, a
      // loaded machine may delay it): poll rather than assume a delay.
      const deadline = performance.now() + 2_000;
      while ((await openConnections()) > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await openConnections()).toBe(0);
    }
  });

  it('leaves no connection open on the server after the attempt', async () => {
    const server = await closeAfterTest(startHttpsServer({ server: pki.servers[0]!, clientCaPem: caPem }));
    for (let i = 0; i < 5; i += 1) expect((await probe(server.url, { caPem, ...client(pki.clients[1]) })).category).toBe('ok');
    const open = await new Promise<number>((resolve, reject) => server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    expect(open).toBe(0);
  });
});

describe.each(['tls1_3', 'tls1_2'] as const)('a gateway that refuses with TLS alerts (openssl s_server -verify_return_error, %s)', (version) => {
  const cases: [string, () => Credential | undefined, string][] = [
    ['a good certificate', () => pki.clients[0], 'ok'],
    ['an expired certificate', () => expired, 'cert_expired'],
    // The alert is bad_certificate; the client's own notBefore says why.
    ['a not-yet-valid certificate', () => notYetValid, 'cert_not_yet_valid'],
    ['a certificate from an unknown CA', () => stranger, 'unknown_ca'],
    ['no certificate', () => undefined, 'certificate_required'],
  ];
  it.each(cases)('classifies %s as %s', async (_name, credential, category) => {
    const server = await closeAfterTest(startAlertServer({ server: pki.servers[0]!, clientCaPem: caPem, version }));
    const result = await probe(server.url, { caPem, ...client(credential()) });
    expect(result.category).toBe(category);
    expect(result.tlsVersion ?? (version === 'tls1_2' ? 'TLSv1.2' : 'TLSv1.3')).toBe(version === 'tls1_2' ? 'TLSv1.2' : 'TLSv1.3');
    if (category !== 'ok') expect(result.rawCode).toMatch(/^ERR_SSL_/);
  });
});

describe('a Node TLS server with rejectUnauthorized: true (TLS 1.3: no alert, the socket just ends)', () => {
  it('is connection_reset after the handshake, and the gateway\'s reason wins when a hook supplies it', async () => {
    const server = await closeAfterTest(startHttpsServer({ server: pki.servers[0]!, clientCaPem: caPem }));
    const silent = await probe(server.url, { caPem, ...client(expired) });
    expect(silent.category).toBe('connection_reset');
    expect(silent.rawCode).toBe('CLOSED_BEFORE_ANSWER');
    expect(silent.diagnosis).toContain('expired');

    const contexts: unknown[] = [];
    const explained = await probe(server.url, {
      caPem,
      ...client(expired),
      serverReason: async (context) => {
        contexts.push(context);
        return 'cert_expired';
      },
    });
    expect(explained.category).toBe('cert_expired');
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({ identity: 'client', rawCode: 'CLOSED_BEFORE_ANSWER' });
  });
});

describe('network and server-certificate failures', () => {
  it('times out against a blackholed peer after the attempt timeout (handshake_timeout)', async () => {
    const blackhole = await closeAfterTest(startBlackhole());
    const started = performance.now();
    const result = await probe(blackhole.url, { caPem, ...client(pki.clients[0]), timeoutMs: 400 });
    const elapsed = performance.now() - started;
    expect(result.category).toBe('handshake_timeout');
    expect(result.rawCode).toBe('TIMEOUT_TLS_HANDSHAKE');
    expect(result.timings.tcpConnectMs).toBeGreaterThan(0);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(2_000);
    expect(blackhole.connections()).toBe(1);
  });

  it('is connection_refused on a closed port', async () => {
    const port = await pickFreePort();
    const result = await probe(`https://127.0.0.1:${port}/`, { caPem, ...client(pki.clients[0]) });
    expect(result).toMatchObject({ category: 'connection_refused', rawCode: 'ECONNREFUSED' });
    expect(result.timings.tcpConnectMs).toBeUndefined();
  });

  it('is connection_reset when the peer resets the connection', async () => {
    const server = await closeAfterTest(startResetServer());
    const result = await probe(server.url, { caPem, ...client(pki.clients[0]) });
    expect(result).toMatchObject({ category: 'connection_reset', rawCode: 'ECONNRESET' });
  });

  it('is hostname_mismatch when the server certificate names another host', async () => {
    const wrongName = pki.intermediate.issueServer({ subject: 'elsewhere', dnsNames: ['elsewhere.example'] });
    const server = await closeAfterTest(startHttpsServer({ server: wrongName, clientCaPem: caPem }));
    const bySni = await probe(server.url, { caPem, servername: 'localhost', ...client(pki.clients[0]) });
    expect(bySni).toMatchObject({ category: 'hostname_mismatch', rawCode: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(bySni.serverCertificate?.subject).toContain('CN=elsewhere');
    const byIp = await probe(server.url, { caPem, ...client(pki.clients[0]) });
    expect(byIp.category).toBe('hostname_mismatch');
    // The name it does carry works.
    expect((await probe(server.url, { caPem, servername: 'elsewhere.example', ...client(pki.clients[0]) })).category).toBe('ok');
  });

  it('classifies an expired server certificate and an untrusted server as the client refusing them', async () => {
    const old = pki.intermediate.issueServer({ subject: 'old', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], notBefore: new Date(Date.now() - 2 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
    const expiredServer = await closeAfterTest(startHttpsServer({ server: old, clientCaPem: caPem }));
    expect(await probe(expiredServer.url, { caPem, ...client(pki.clients[0]) })).toMatchObject({ category: 'cert_expired', rawCode: 'CERT_HAS_EXPIRED' });
    const impostor = CertificateAuthority.createRoot({ subject: 'Impostor' }).issueServer({ subject: 'impostor', ipAddresses: ['127.0.0.1'] });
    const impostorServer = await closeAfterTest(startHttpsServer({ server: impostor, clientCaPem: caPem }));
    expect((await probe(impostorServer.url, { caPem, ...client(pki.clients[0]) })).category).toBe('unknown_ca');
  });
});
