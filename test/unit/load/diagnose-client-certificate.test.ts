import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { PreparedIdentity } from '../../../src/load/client-identity.js';
import { ClientCertificateDiagnoser } from '../../../src/load/diagnose-client-certificate.js';
import { buildLabPki, CertificateAuthority, type Credential, type LabPki } from '../../../src/pki/index.js';

const DAY_MS = 86_400_000;
let pki: LabPki;
let diagnoser: ClientCertificateDiagnoser;
const prepare = (credential: Credential) =>
  PreparedIdentity.fromIdentity({ name: credential.name, certPem: credential.chainPem, keyPem: credential.keyPem }, pki.root.certificate.pem);

beforeAll(async () => {
  pki = await buildLabPki({ clients: 1 });
  diagnoser = new ClientCertificateDiagnoser([new X509Certificate(pki.root.certificate.der)]);
});

describe('ClientCertificateDiagnoser', () => {
  it('finds nothing wrong with a good certificate', () => {
    expect(diagnoser.diagnose(prepare(pki.clients[0]!))).toBeUndefined();
  });

  it('says expired, with the date', () => {
    const notAfter = new Date(Date.now() - DAY_MS);
    const expired = pki.intermediate.issueClient({ subject: 'expired', notBefore: new Date(Date.now() - 2 * DAY_MS), notAfter });
    const diagnosis = diagnoser.diagnose(prepare(expired));
    expect(diagnosis?.category).toBe('cert_expired');
    expect(diagnosis?.reason).toContain(new Date(Math.floor(notAfter.getTime() / 1000) * 1000).toISOString());
  });

  it('says not yet valid', () => {
    const future = pki.intermediate.issueClient({ subject: 'future', notBefore: new Date(Date.now() + DAY_MS), notAfter: new Date(Date.now() + 2 * DAY_MS) });
    expect(diagnoser.diagnose(prepare(future))?.category).toBe('cert_not_yet_valid');
  });

  it('judges dates at the time asked, so a certificate can expire during a run', () => {
    const identity = prepare(pki.clients[0]!);
    expect(diagnoser.diagnose(identity, new Date(Date.now() + 2 * DAY_MS))?.category).toBe('cert_expired');
    expect(diagnoser.diagnose(identity)).toBeUndefined();
  });

  it('says unknown_ca when the chain does not lead to the client CA bundle', () => {
    const stranger = CertificateAuthority.createRoot({ subject: 'Stranger' }).issueClient({ subject: 'stranger' });
    expect(diagnoser.diagnose(prepare(stranger))?.category).toBe('unknown_ca');
    // Without a bundle the client cannot know what the gateway trusts: no path verdict.
    expect(new ClientCertificateDiagnoser(undefined).diagnose(prepare(stranger))).toBeUndefined();
  });

  it('says expired when an intermediate on the path has expired', () => {
    const oldIntermediate = pki.root.issueIntermediate({
      subject: 'Old Intermediate',
      pathLength: 0,
      notBefore: new Date(Date.now() - 10 * DAY_MS),
      notAfter: new Date(Date.now() - DAY_MS),
    });
    const leaf = oldIntermediate.issueClient({ subject: 'under-old', notBefore: new Date(Date.now() - 5 * DAY_MS), notAfter: new Date(Date.now() + DAY_MS) });
    const diagnosis = diagnoser.diagnose(prepare(leaf));
    expect(diagnosis?.category).toBe('cert_expired');
    expect(diagnosis?.reason).toContain('Old Intermediate');
  });

  it('says bad_certificate for a certificate without the clientAuth purpose', () => {
    const serverOnly = pki.intermediate.issueClient({ subject: 'server-only', extendedKeyUsage: ['serverAuth'] });
    expect(diagnoser.diagnose(prepare(serverOnly))).toMatchObject({ category: 'bad_certificate', reason: expect.stringContaining('clientAuth') });
  });

  it('has nothing to say about an identity without a certificate', () => {
    expect(diagnoser.diagnose(PreparedIdentity.anonymous(pki.root.certificate.pem))).toBeUndefined();
  });
});
