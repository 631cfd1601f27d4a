import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/load/index.js';
import { buildLabPki, CertificateAuthority, type Credential, type LabPki } from '../../src/pki/index.js';
import { startNginxTestGateway, type NginxTestGateway } from '../support/nginx-test-gateway.js';

const DAY_MS = 86_400_000;
let pki: LabPki;
let nginx: NginxTestGateway;

beforeAll(async () => {
  pki = await buildLabPki({ clients: 1 });
  nginx = await startNginxTestGateway(pki);
});
afterAll(async () => {
  await nginx?.stop();
});

// nginx (ssl_verify_client on) completes the handshake and answers 400 for every certificate
// error; only its error log has the reason. The probe's category must still be the real one.
describe('probe against nginx 1.22 with ssl_verify_client on', () => {
  const cases: [string, () => Credential | undefined, string, RegExp | undefined][] = [
    ['a good client certificate', () => pki.clients[0], 'ok', undefined],
    [
      'an expired client certificate',
      () => pki.intermediate.issueClient({ subject: 'expired', notBefore: new Date(Date.now() - 2 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) }),
      'cert_expired',
      /\(10:certificate has expired\)/,
    ],
    [
      'a not-yet-valid client certificate',
      () => pki.intermediate.issueClient({ subject: 'future', notBefore: new Date(Date.now() + DAY_MS), notAfter: new Date(Date.now() + 2 * DAY_MS) }),
      'cert_not_yet_valid',
      /\(9:certificate is not yet valid\)/,
    ],
    [
      'a client certificate from an unknown CA',
      () => CertificateAuthority.createRoot({ subject: 'Stranger Root' }).issueClient({ subject: 'stranger' }),
      'unknown_ca',
      /client SSL certificate verify error: \((20|21):/,
    ],
    [
      'a client certificate for the wrong purpose (serverAuth only)',
      () => pki.intermediate.issueClient({ subject: 'wrong-purpose', extendedKeyUsage: ['serverAuth'] }),
      'bad_certificate',
      /\(26:[a-z ]*purpose\)/,
    ],
    ['no client certificate', () => undefined, 'certificate_required', /client sent no required SSL certificate/],
  ];

  it.each(cases)('classifies %s', async (_name, credential, category, logLine) => {
    const cred = credential();
    const result = await probe(nginx.url, {
      caPem: pki.root.certificate.pem,
      // What the lab's nginx trusts for clients (ssl_client_certificate): without it an unknown
      // CA is "path not checked" (test/integration/diagnosis-foreign-nginx.test.ts).
      clientCaPem: pki.root.certificate.pem,
      servername: 'localhost',
      ...(cred ? { certPem: cred.chainPem, keyPem: cred.keyPem } : {}),
    });
    expect(result.category).toBe(category);
    expect(result.httpStatus).toBe(category === 'ok' ? 200 : 400);
    expect(result.tlsVersion).toBe('TLSv1.3');
    expect(result.serverCertificate).toMatchObject({ subject: expect.stringContaining('CN=server-1') });
    expect(result.serverCertificate!.daysUntilExpiry).toBeGreaterThan(80);
    expect(result.timings.tlsHandshakeMs).toBeGreaterThan(0);
    expect(result.timings.firstByteMs).toBeGreaterThan(0);
    if (category !== 'ok' && category !== 'certificate_required') expect(result.diagnosis).toMatch(/HTTP 400/);
    // The gateway agrees: its log holds the exact reason the probe inferred.
    if (logLine) expect(await nginx.readErrorLog()).toMatch(logLine);
  });
});
