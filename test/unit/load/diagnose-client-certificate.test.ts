import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { PreparedIdentity } from '../../../src/load/client-identity.js';
import { ClientCertificateDiagnoser } from '../../../src/load/diagnose-client-certificate.js';
import { RevocationLookup } from '../../../src/load/revocation-lookup.js';
import { buildLabPki, buildOcspResponse, CertificateAuthority, parseOcspRequest, type Credential, type LabPki } from '../../../src/pki/index.js';

const DAY_MS = 86_400_000;
let pki: LabPki;
/** What a user who gave --client-ca <the lab root> gets. */
let withClientCa: ClientCertificateDiagnoser;
/** What a user who gave only --ca gets: the server bundle is a source of issuers, never of trust. */
let withoutClientCa: ClientCertificateDiagnoser;
const x509 = (pem: string) => new X509Certificate(pem);
const prepare = (credential: Credential, certPem = credential.chainPem) =>
  PreparedIdentity.fromIdentity({ name: credential.name, certPem, keyPem: credential.keyPem }, pki.root.certificate.pem);
/** Revocation look-ups that never leave the test (the certificates here name no responder anyway). */
const offline = () => new RevocationLookup({ post: () => Promise.reject(new Error('no network in unit tests')) });

beforeAll(async () => {
  pki = await buildLabPki({ clients: 1 });
  withClientCa = new ClientCertificateDiagnoser({ clientCaAnchors: [x509(pki.root.certificate.pem)], revocation: offline() });
  withoutClientCa = new ClientCertificateDiagnoser({ issuerCandidates: [x509(pki.root.certificate.pem)], revocation: offline() });
});

describe('ClientCertificateDiagnoser: evidence the certificates carry', () => {
  it('says expired, with the date, with or without a client CA bundle', async () => {
    const notAfter = new Date(Date.now() - DAY_MS);
    const expired = pki.intermediate.issueClient({ subject: 'expired', notBefore: new Date(Date.now() - 2 * DAY_MS), notAfter });
    for (const diagnoser of [withClientCa, withoutClientCa]) {
      const diagnosis = await diagnoser.diagnose(prepare(expired, expired.certificate.pem));
      expect(diagnosis?.category).toBe('cert_expired');
      expect(diagnosis?.reason).toContain(new Date(Math.floor(notAfter.getTime() / 1000) * 1000).toISOString());
    }
  });

  it('says not yet valid', async () => {
    const future = pki.intermediate.issueClient({ subject: 'future', notBefore: new Date(Date.now() + DAY_MS), notAfter: new Date(Date.now() + 2 * DAY_MS) });
    expect((await withoutClientCa.diagnose(prepare(future)))?.category).toBe('cert_not_yet_valid');
  });

  it('judges dates at the time asked, so a certificate can expire during a run', async () => {
    const identity = prepare(pki.clients[0]!);
    expect((await withClientCa.diagnose(identity, new Date(Date.now() + 2 * DAY_MS)))?.category).toBe('cert_expired');
    expect(withClientCa.diagnoseStatically(identity)).toBeUndefined();
  });

  it('says expired when an intermediate the client sends has expired', async () => {
    const oldIntermediate = pki.root.issueIntermediate({
      subject: 'Old Intermediate',
      pathLength: 0,
      notBefore: new Date(Date.now() - 10 * DAY_MS),
      notAfter: new Date(Date.now() - DAY_MS),
    });
    const leaf = oldIntermediate.issueClient({ subject: 'under-old', notBefore: new Date(Date.now() - 5 * DAY_MS), notAfter: new Date(Date.now() + DAY_MS) });
    const diagnosis = await withoutClientCa.diagnose(prepare(leaf));
    expect(diagnosis?.category).toBe('cert_expired');
    expect(diagnosis?.reason).toContain('Old Intermediate');
  });

  it('says bad_certificate for a certificate without the clientAuth purpose', async () => {
    const serverOnly = pki.intermediate.issueClient({ subject: 'server-only', extendedKeyUsage: ['serverAuth'] });
    expect(await withoutClientCa.diagnose(prepare(serverOnly))).toMatchObject({ category: 'bad_certificate', reason: expect.stringContaining('clientAuth') });
  });

  it('has nothing to say about an identity without a certificate', async () => {
    expect(await withClientCa.diagnose(PreparedIdentity.anonymous(pki.root.certificate.pem))).toBeUndefined();
  });
});

describe('ClientCertificateDiagnoser: the path, only against a client CA bundle given', () => {
  it('says unknown_ca when the chain does not lead to the --client-ca bundle', async () => {
    const stranger = CertificateAuthority.createRoot({ subject: 'Stranger' }).issueClient({ subject: 'stranger' });
    const diagnosis = await withClientCa.diagnose(prepare(stranger));
    expect(diagnosis?.category).toBe('unknown_ca');
    expect(diagnosis?.reason).toContain('CN=Stranger');
  });

  it('never takes the server-verification bundle for the client CA bundle: no --client-ca, no unknown_ca', async () => {
    const stranger = CertificateAuthority.createRoot({ subject: 'Stranger' }).issueClient({ subject: 'stranger' });
    expect(withoutClientCa.diagnoseStatically(prepare(stranger))).toBeUndefined();
    const diagnosis = await withoutClientCa.diagnose(prepare(stranger));
    expect(diagnosis?.category).toBe('bad_certificate');
    expect(diagnosis?.reason).toMatch(/^refused, the gateway gave no reason; checked: .*not checked: the path/);
  });

  it('says "path not checked" for a leaf-only certificate whose issuer it does not have', async () => {
    const client = pki.clients[0]!;
    const diagnosis = await new ClientCertificateDiagnoser({ revocation: offline() }).diagnose(prepare(client, client.certificate.pem));
    expect(diagnosis?.category).toBe('bad_certificate');
    expect(diagnosis?.reason).toContain(`not checked: the path (the issuer ${pki.intermediate.certificate.subjectText.replace(/\//g, ', ')}`.slice(0, 40));
    expect(diagnosis?.reason).toContain('is not among the certificates sent, and no --client-ca was given');
  });

  it('builds a leaf-only path through an intermediate in the --client-ca bundle, as nginx does', async () => {
    const client = pki.clients[0]!;
    const bundle = [x509(pki.intermediate.certificate.pem), x509(pki.root.certificate.pem)];
    const diagnoser = new ClientCertificateDiagnoser({ clientCaAnchors: bundle, revocation: offline() });
    const diagnosis = await diagnoser.diagnose(prepare(client, client.certificate.pem));
    expect(diagnosis?.category).toBe('bad_certificate');
    expect(diagnosis?.reason).toMatch(/checked: .*the path to the --client-ca bundle \(client-1 -> /);
    // The same leaf alone against a bundle of only the root: the gateway cannot find the issuer.
    expect((await withClientCa.diagnose(prepare(client, client.certificate.pem)))?.category).toBe('unknown_ca');
  });
});

describe('ClientCertificateDiagnoser: revocation it asked about itself', () => {
  const ocspUrl = 'http://127.0.0.1:9/ocsp';

  it('says cert_revoked when the certificate\'s own OCSP responder answers revoked', async () => {
    const client = pki.intermediate.issueClient({ subject: 'revoked-here', ocspUrl });
    pki.intermediate.revoke(client.certificate.serialNumber, 'keyCompromise');
    const revocation = new RevocationLookup({ post: async (_url, body) => buildOcspResponse({ ca: pki.intermediate, request: parseOcspRequest(body) }) });
    const diagnoser = new ClientCertificateDiagnoser({ issuerCandidates: [x509(pki.root.certificate.pem)], revocation });
    const diagnosis = await diagnoser.diagnose(prepare(client));
    expect(diagnosis).toEqual({ category: 'cert_revoked', reason: expect.stringMatching(/OCSP responder http:\/\/127\.0\.0\.1:9\/ocsp answers revoked \(keyCompromise\)/) });
  });

  it('states a silent responder as a fact, not as unknown_ca or ocsp_unavailable', async () => {
    const client = pki.intermediate.issueClient({ subject: 'responder-down', ocspUrl });
    const revocation = new RevocationLookup({
      post: () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })),
    });
    const diagnoser = new ClientCertificateDiagnoser({ issuerCandidates: [x509(pki.root.certificate.pem)], revocation });
    // Leaf-only, as in the outage this was found in: the issuer is not sent, the path unknown.
    const diagnosis = await diagnoser.diagnose(prepare(client, client.certificate.pem));
    expect(diagnosis?.category).toBe('bad_certificate');
    expect(diagnosis?.reason).toContain(`the certificate's OCSP responder ${ocspUrl} did not answer (ECONNREFUSED; the gateway may hard-fail on OCSP)`);
  });
});
