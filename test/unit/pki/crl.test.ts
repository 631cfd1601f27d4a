import { verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../../src/pki/certificate-authority.js';
import { issueCrl } from '../../../src/pki/crl.js';
import { fromPem } from '../../../src/pki/der.js';
import { signatureProfile, type KeyAlgorithm } from '../../../src/pki/key-algorithm.js';

const ALGORITHMS: readonly KeyAlgorithm[] = ['ecdsa-p256', 'ed25519', 'rsa-2048'];

function lab(algorithm: KeyAlgorithm) {
  const root = CertificateAuthority.createRoot({ subject: { commonName: 'CRL Root', organization: 'mtls-chaos' }, algorithm });
  const ca = root.issueIntermediate({ subject: { commonName: 'CRL Issuing CA', organization: 'mtls-chaos' } });
  return { root, ca };
}

function extensionValue(crl: pkijs.CertificateRevocationList, oid: string): Uint8Array | undefined {
  return crl.crlExtensions?.extensions.find((extension) => extension.extnID === oid)?.extnValue.valueBlock.valueHexView;
}

function serialHex(integer: asn1js.Integer): string {
  return integer.toBigInt().toString(16).toUpperCase();
}

describe.each(ALGORITHMS)('issueCrl with a %s CA', (algorithm) => {
  it('lists revoked serials with their dates and reasons, signed by the CA', () => {
    const { ca } = lab(algorithm);
    const compromised = ca.issueClient({ subject: 'compromised' }).certificate;
    const retired = ca.issueClient({ subject: 'retired' }).certificate;
    const good = ca.issueClient({ subject: 'good' }).certificate;
    const revokedAt = new Date('2026-01-02T03:04:05.678Z');
    ca.revoke(compromised.serialNumber, 'keyCompromise', revokedAt);
    ca.revoke(retired.serialNumber, 'unspecified', revokedAt);

    const crl = issueCrl(ca, { crlNumber: 42 });
    const parsed = pkijs.CertificateRevocationList.fromBER(crl.der);

    expect(parsed.version).toBe(1);
    // The issuer is the CA's subject, byte for byte.
    expect(Buffer.from(parsed.issuer.toSchema().toBER()).equals(ca.certificate.subjectDer)).toBe(true);
    const entries = new Map((parsed.revokedCertificates ?? []).map((entry) => [serialHex(entry.userCertificate), entry]));
    expect([...entries.keys()].sort()).toEqual([compromised.serialNumber, retired.serialNumber].sort());
    expect(entries.has(good.serialNumber)).toBe(false);

    const compromisedEntry = entries.get(compromised.serialNumber)!;
    expect(compromisedEntry.revocationDate.value.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    const reason = compromisedEntry.crlEntryExtensions?.extensions.find((extension) => extension.extnID === '2.5.29.21');
    const reasonValue = asn1js.fromBER(reason!.extnValue.valueBlock.valueHexView).result as asn1js.Enumerated;
    expect(reasonValue.valueBlock.valueDec).toBe(1);
    // RFC 5280 5.3.1: no reasonCode rather than 'unspecified'.
    expect(entries.get(retired.serialNumber)!.crlEntryExtensions).toBeUndefined();

    const crlNumber = asn1js.fromBER(extensionValue(parsed, '2.5.29.20')!).result as asn1js.Integer;
    expect(crlNumber.toBigInt()).toBe(42n);
    const aki = pkijs.AuthorityKeyIdentifier.fromBER(extensionValue(parsed, '2.5.29.35')!);
    expect(Buffer.from(aki.keyIdentifier!.valueBlock.valueHexView).equals(ca.certificate.subjectKeyId)).toBe(true);

    const signature = Buffer.from(parsed.signatureValue.valueBlock.valueHexView);
    const digest = signatureProfile(algorithm).digest;
    expect(verify(digest, parsed.tbsView, ca.key.publicKey, signature)).toBe(true);
    const tampered = Buffer.from(parsed.tbsView);
    tampered[tampered.length - 1]! ^= 0x01;
    expect(verify(digest, tampered, ca.key.publicKey, signature)).toBe(false);
    expect(verify(digest, parsed.tbsView, lab(algorithm).ca.key.publicKey, signature)).toBe(false);

    expect(crl.entries.map((entry) => entry.serialNumber).sort()).toEqual(
      [compromised.serialNumber, retired.serialNumber].sort(),
    );
  });
});

describe('issueCrl', () => {
  it('writes PEM with the X509 CRL label that decodes to the same DER', () => {
    const { ca } = lab('ecdsa-p256');
    const crl = issueCrl(ca);
    expect(crl.pem.startsWith('-----BEGIN X509 CRL-----\n')).toBe(true);
    expect(fromPem('X509 CRL', crl.pem).equals(crl.der)).toBe(true);
  });

  it('leaves revokedCertificates out when nothing is revoked (RFC 5280 5.1.2.6)', () => {
    const { ca } = lab('ecdsa-p256');
    ca.issueClient({ subject: 'good' });
    const parsed = pkijs.CertificateRevocationList.fromBER(issueCrl(ca).der);
    expect(parsed.revokedCertificates).toBeUndefined();
  });

  it('defaults to thisUpdate now and nextUpdate one day later, in whole seconds', () => {
    const { ca } = lab('ecdsa-p256');
    const before = Math.floor(Date.now() / 1000) * 1000;
    const crl = issueCrl(ca);
    const after = Date.now();
    expect(crl.thisUpdate.getTime()).toBeGreaterThanOrEqual(before);
    expect(crl.thisUpdate.getTime()).toBeLessThanOrEqual(after);
    expect(crl.thisUpdate.getTime() % 1000).toBe(0);
    expect(crl.nextUpdate.getTime() - crl.thisUpdate.getTime()).toBe(24 * 3_600_000);
    const parsed = pkijs.CertificateRevocationList.fromBER(crl.der);
    expect(parsed.thisUpdate.value.getTime()).toBe(crl.thisUpdate.getTime());
    expect(parsed.nextUpdate!.value.getTime()).toBe(crl.nextUpdate.getTime());
  });

  it('encodes a stale CRL with nextUpdate in the past as asked', () => {
    const { ca } = lab('ecdsa-p256');
    const thisUpdate = new Date('2025-03-01T00:00:00Z');
    const nextUpdate = new Date('2025-03-02T00:00:00Z');
    const crl = issueCrl(ca, { thisUpdate, nextUpdate });
    const parsed = pkijs.CertificateRevocationList.fromBER(crl.der);
    expect(parsed.thisUpdate.value.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(parsed.nextUpdate!.value.toISOString()).toBe('2025-03-02T00:00:00.000Z');
    expect(crl.nextUpdate.getTime()).toBeLessThan(Date.now());
  });

  it('uses GeneralizedTime from 2050 (RFC 5280 5.1.2.4)', () => {
    const { ca } = lab('ecdsa-p256');
    const crl = issueCrl(ca, { thisUpdate: new Date('2049-12-31T12:00:00Z'), nextUpdate: new Date('2050-01-01T12:00:00Z') });
    const parsed = pkijs.CertificateRevocationList.fromBER(crl.der);
    expect(parsed.thisUpdate.type).toBe(0);
    expect(parsed.nextUpdate!.type).toBe(1);
    expect(parsed.nextUpdate!.value.toISOString()).toBe('2050-01-01T12:00:00.000Z');
  });

  it('includes only revocations in force at `at`, including one made earlier in the same second', () => {
    const { ca } = lab('ecdsa-p256');
    const now = new Date('2026-05-05T10:00:00.900Z');
    const earlier = ca.issueClient({ subject: 'earlier' }).certificate;
    const later = ca.issueClient({ subject: 'later' }).certificate;
    ca.revoke(earlier.serialNumber, 'superseded', new Date('2026-05-05T10:00:00.300Z'));
    ca.revoke(later.serialNumber, 'superseded', new Date('2026-05-06T10:00:00Z'));
    const crl = issueCrl(ca, { thisUpdate: now });
    expect(crl.entries.map((entry) => entry.serialNumber)).toEqual([earlier.serialNumber]);
    const inFuture = issueCrl(ca, { thisUpdate: now, at: new Date('2026-05-07T00:00:00Z') });
    expect(inFuture.entries).toHaveLength(2);
  });

  it('encodes serials with the top bit set as positive INTEGERs', () => {
    const { ca } = lab('ecdsa-p256');
    const leaf = ca.issueClient({ subject: 'high bit', serialNumber: 'F0112233' }).certificate;
    ca.revoke(leaf.serialNumber);
    const parsed = pkijs.CertificateRevocationList.fromBER(issueCrl(ca).der);
    const serial = parsed.revokedCertificates![0]!.userCertificate;
    expect(Buffer.from(serial.valueBlock.valueHexView).toString('hex')).toBe('00f0112233');
  });
});
