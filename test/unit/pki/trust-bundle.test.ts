import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { PkiError } from '../../../src/errors.js';
import { CertificateAuthority } from '../../../src/pki/certificate-authority.js';
import { splitPemBundle, trustBundlePem } from '../../../src/pki/trust-bundle.js';

describe('trustBundlePem', () => {
  const oldRoot = CertificateAuthority.createRoot({ subject: 'Root 2024' });
  const newRoot = CertificateAuthority.createRoot({ subject: 'Root 2025' });

  it('concatenates the certificates in order, each once (the old+new overlap bundle)', () => {
    const bundle = trustBundlePem([oldRoot.certificate, newRoot.certificate, oldRoot.certificate, newRoot.certificate]);
    expect(bundle).toBe(oldRoot.certificate.pem + newRoot.certificate.pem);
    expect(splitPemBundle(bundle)).toEqual([oldRoot.certificate.der, newRoot.certificate.der]);
  });

  it('keeps two certificates for one key when their DER differs (a re-issued root)', () => {
    const reissued = CertificateAuthority.createRoot({ subject: 'Root 2024', key: oldRoot.key });
    expect(splitPemBundle(trustBundlePem([oldRoot.certificate, reissued.certificate]))).toHaveLength(2);
  });

  it('is empty for no certificates', () => {
    expect(trustBundlePem([])).toBe('');
  });

  it('is a CA list OpenSSL loads', () => {
    const bundle = trustBundlePem([oldRoot.certificate, newRoot.certificate]);
    expect(() => createSecureContext({ ca: bundle })).not.toThrow();
    expect(new X509Certificate(bundle).subject).toBe('CN=Root 2024');
  });
});

describe('splitPemBundle', () => {
  const root = CertificateAuthority.createRoot({ subject: 'Root' });
  const intermediate = root.issueIntermediate({ subject: 'Inter' });
  const leaf = intermediate.issueServer({ subject: 'leaf' });

  it('returns the DER of every CERTIFICATE block in order, skipping keys and text between blocks', () => {
    const bundle = [
      '# leaf\n',
      leaf.certificate.pem,
      leaf.keyPem,
      'subject=CN = Inter\nissuer=CN = Root\n',
      intermediate.certificate.pem,
    ].join('');
    expect(splitPemBundle(bundle)).toEqual([leaf.certificate.der, intermediate.certificate.der]);
  });

  it('reads CRLF line endings and unwrapped base64', () => {
    const crlf = root.certificate.pem.replace(/\n/g, '\r\n');
    const oneLine = `-----BEGIN CERTIFICATE-----${root.certificate.der.toString('base64')}-----END CERTIFICATE-----`;
    expect(splitPemBundle(crlf + oneLine)).toEqual([root.certificate.der, root.certificate.der]);
  });

  it('round-trips a credential chain', () => {
    expect(splitPemBundle(leaf.chainPem)).toEqual([leaf.certificate.der, intermediate.certificate.der]);
  });

  it('returns nothing for text without certificates', () => {
    expect(splitPemBundle('')).toEqual([]);
    expect(splitPemBundle(leaf.keyPem)).toEqual([]);
  });

  it('refuses a damaged block instead of returning garbage DER', () => {
    const damaged = root.certificate.pem.replace(/^MII/m, 'M*I');
    expect(() => splitPemBundle(damaged)).toThrow(PkiError);
    expect(() => splitPemBundle(damaged)).toThrow(expect.objectContaining({ code: 'E_PKI_PEM' }));
    const empty = '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n';
    expect(() => splitPemBundle(empty)).toThrow(PkiError);
  });
});
