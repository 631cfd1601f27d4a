import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildLabPki, CertificateAuthority, readPkiIssuer } from '../../../src/pki/index.js';
import { PkiError } from '../../../src/errors.js';
import { tempDir } from '../scenario/scenario-fixtures.js';

/** pki.issuer: a team's own intermediate, loaded from PEM, issues the run's client certificates. */
describe('an issuing CA loaded from PEM (pki.issuer)', () => {
  const teamRoot = CertificateAuthority.createRoot({ subject: { commonName: 'Team Root' }, pathLength: 1 });
  const teamIntermediate = teamRoot.issueIntermediate({ subject: { commonName: 'Team Game-Day CA' }, pathLength: 0 });

  it('issues the lab\'s leaves, which carry its certificate and verify up to the team root', async () => {
    const dir = await tempDir();
    const certificate = join(dir, 'ca.crt.pem');
    const key = join(dir, 'ca.key.pem');
    await writeFile(certificate, teamIntermediate.certificate.pem);
    await writeFile(key, teamIntermediate.credential.keyPem);
    const issuer = await readPkiIssuer({ certificate, key });
    const pki = await buildLabPki({ clients: 2, issuer });
    expect(pki.root).toBe(issuer);
    expect(pki.intermediate).toBe(issuer);
    const client = pki.clients[0]!;
    expect(client.intermediates.map((cert) => cert.subject.commonName)).toEqual(['Team Game-Day CA']);
    const leaf = new X509Certificate(client.certificate.pem);
    expect(leaf.verify(new X509Certificate(teamIntermediate.certificate.pem).publicKey)).toBe(true);
    expect(new X509Certificate(teamIntermediate.certificate.pem).verify(new X509Certificate(teamRoot.certificate.pem).publicKey)).toBe(true);
  });

  it('refuses a certificate that is no CA, and a key that is not its key, naming the file', () => {
    const leaf = teamIntermediate.issueClient({ subject: { commonName: 'not-a-ca' } });
    const files = { certificate: 'ca.crt.pem', key: 'ca.key.pem' };
    expect(() => CertificateAuthority.fromPem(leaf.certificate.pem, leaf.keyPem, files)).toThrow(/^ca\.crt\.pem: is not a CA certificate/);
    const wrongKey = () => CertificateAuthority.fromPem(teamIntermediate.certificate.pem, teamRoot.credential.keyPem, files);
    expect(wrongKey).toThrow(PkiError);
    expect(wrongKey).toThrow('ca.key.pem: is not the key of ca.crt.pem');
    expect(() => CertificateAuthority.fromPem('garbage', teamRoot.credential.keyPem, files)).toThrow(/^ca\.crt\.pem: is not a PEM certificate/);
  });
});
