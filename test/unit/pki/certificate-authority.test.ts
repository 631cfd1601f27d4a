import { createPublicKey, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PkiError } from '../../../src/errors.js';
import type { Certificate } from '../../../src/pki/certificate.js';
import { CertificateAuthority } from '../../../src/pki/certificate-authority.js';

// @peculiar/x509 is the independent parser here: whatever our DER writer gets wrong, a parser
// that shares no code with it should notice. Its dependency tsyringe needs reflect-metadata.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

const OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';
const SPIFFE_ID = 'spiffe://example.org/ns/billing/sa/api';
const { KeyUsageFlags: Ku, ExtendedKeyUsage: Eku } = x509;

const parse = (certificate: Certificate) => new x509.X509Certificate(certificate.der);

function extension<T extends InstanceType<typeof x509.Extension>>(
  certificate: Certificate,
  type: new (raw: ArrayBuffer) => T,
): T {
  const found = parse(certificate).getExtension(type);
  if (!found) throw new Error(`${certificate.subjectText} has no ${type.name}`);
  return found;
}

function thrown(action: () => unknown): PkiError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(PkiError);
    return error as PkiError;
  }
  throw new Error('expected a PkiError, nothing was thrown');
}

/** X.509 times have whole seconds: what a parser reads back is the input with its milliseconds cut. */
const toSecond = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);

describe('CertificateAuthority, read back by an independent parser', () => {
  describe('validity', () => {
    it('writes notBefore and notAfter exactly, to the second', () => {
      const notBefore = new Date('2024-01-02T03:04:05.678Z');
      const notAfter = new Date('2024-04-01T23:59:59.999Z');
      const root = CertificateAuthority.createRoot({ subject: 'Root', notBefore, notAfter });
      const parsed = parse(root.certificate);
      expect(parsed.notBefore.toISOString()).toBe('2024-01-02T03:04:05.000Z');
      expect(parsed.notAfter.toISOString()).toBe('2024-04-01T23:59:59.000Z');
      expect(root.certificate.notBefore).toEqual(parsed.notBefore);
      expect(root.certificate.notAfter).toEqual(parsed.notAfter);
    });

    it('switches to GeneralizedTime from 2050 and back for dates before it (RFC 5280 4.1.2.5)', () => {
      const notBefore = new Date('2049-12-31T23:59:59Z');
      const notAfter = new Date('2050-01-01T00:00:00Z');
      const root = CertificateAuthority.createRoot({ subject: 'Root', notBefore, notAfter });
      expect(parse(root.certificate).notBefore).toEqual(notBefore);
      expect(parse(root.certificate).notAfter).toEqual(notAfter);
      expect(root.certificate.x509.validTo).toBe('Jan  1 00:00:00 2050 GMT');
    });

    it('derives notAfter from lifetimeMs', () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root' });
      const notBefore = new Date('2025-06-01T12:00:00Z');
      const leaf = root.issueClient({ subject: 'c', notBefore, lifetimeMs: 90_000 });
      expect(parse(leaf.certificate).notAfter.toISOString()).toBe('2025-06-01T12:01:30.000Z');
    });

    it('honours windows entirely in the past (expired) and in the future (not yet valid)', () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root' });
      const now = Date.now();
      const expired = root.issueServer({
        subject: 'expired',
        notBefore: new Date(now - 2 * 3_600_000),
        notAfter: new Date(now - 3_600_000),
      });
      const future = root.issueServer({
        subject: 'future',
        notBefore: new Date(now + 3_600_000),
        notAfter: new Date(now + 2 * 3_600_000),
      });
      expect(parse(expired.certificate).notAfter).toEqual(toSecond(new Date(now - 3_600_000)));
      expect(parse(expired.certificate).notAfter.getTime()).toBeLessThan(now);
      expect(parse(future.certificate).notBefore).toEqual(toSecond(new Date(now + 3_600_000)));
      expect(parse(future.certificate).notBefore.getTime()).toBeGreaterThan(now);
      expect(expired.certificate.isValidAt(new Date(now))).toBe(false);
      expect(future.certificate.isValidAt(new Date(now))).toBe(false);
      expect(future.certificate.isValidAt(new Date(now + 90 * 60_000))).toBe(true);
    });

    it('backdates the default notBefore by a few minutes for peers with slow clocks', () => {
      const before = Date.now();
      const root = CertificateAuthority.createRoot({ subject: 'Root' });
      const notBefore = parse(root.certificate).notBefore.getTime();
      expect(notBefore).toBeLessThan(before);
      expect(notBefore).toBeGreaterThan(before - 10 * 60_000);
    });

    it('refuses notAfter <= notBefore with E_PKI_VALIDITY', () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root' });
      const at = new Date('2030-01-01T00:00:00Z');
      for (const options of [
        { notBefore: at, notAfter: at },
        { notBefore: at, notAfter: new Date(at.getTime() - 1000) },
        { notBefore: at, lifetimeMs: 0 },
      ]) {
        const error = thrown(() => root.issueClient({ subject: 'c', ...options }));
        expect(error.code).toBe('E_PKI_VALIDITY');
        expect(error.hint).toBeTruthy();
      }
      expect(thrown(() => CertificateAuthority.createRoot({ subject: 'R', notBefore: at, notAfter: at })).code).toBe(
        'E_PKI_VALIDITY',
      );
    });
  });

  describe('profiles', () => {
    const root = CertificateAuthority.createRoot({ subject: 'Root', pathLength: 1 });
    const intermediate = root.issueIntermediate({ subject: 'Issuing CA', pathLength: 0 });

    it('marks CAs with critical basicConstraints CA:TRUE, their pathLength and keyCertSign/cRLSign', () => {
      const rootConstraints = extension(root.certificate, x509.BasicConstraintsExtension);
      expect(rootConstraints).toMatchObject({ ca: true, pathLength: 1, critical: true });
      expect(extension(intermediate.certificate, x509.BasicConstraintsExtension)).toMatchObject({
        ca: true,
        pathLength: 0,
        critical: true,
      });
      const unlimited = CertificateAuthority.createRoot({ subject: 'Unlimited' });
      expect(extension(unlimited.certificate, x509.BasicConstraintsExtension).pathLength).toBeUndefined();
      const usage = extension(intermediate.certificate, x509.KeyUsagesExtension);
      expect(usage.critical).toBe(true);
      expect(usage.usages).toBe(Ku.digitalSignature | Ku.keyCertSign | Ku.cRLSign);
      expect(parse(root.certificate).getExtension(x509.ExtendedKeyUsageExtension)).toBeNull();
    });

    it('server: serverAuth, digitalSignature, CA:FALSE; RSA adds keyEncipherment for TLS 1.2 RSA key exchange', () => {
      const server = intermediate.issueServer({ subject: 'api', dnsNames: ['api.example.org'] });
      expect(extension(server.certificate, x509.ExtendedKeyUsageExtension).usages).toEqual([Eku.serverAuth]);
      expect(extension(server.certificate, x509.KeyUsagesExtension).usages).toBe(Ku.digitalSignature);
      expect(extension(server.certificate, x509.BasicConstraintsExtension)).toMatchObject({ ca: false, critical: true });
      const rsa = intermediate.issueServer({ subject: 'rsa', algorithm: 'rsa-2048' });
      expect(extension(rsa.certificate, x509.KeyUsagesExtension).usages).toBe(Ku.digitalSignature | Ku.keyEncipherment);
    });

    it('client: clientAuth and digitalSignature only', () => {
      const client = intermediate.issueClient({ subject: 'billing', uris: [SPIFFE_ID] });
      expect(extension(client.certificate, x509.ExtendedKeyUsageExtension).usages).toEqual([Eku.clientAuth]);
      expect(extension(client.certificate, x509.KeyUsagesExtension).usages).toBe(Ku.digitalSignature);
      const rsaClient = intermediate.issueClient({ subject: 'rsa', algorithm: 'rsa-2048' });
      expect(extension(rsaClient.certificate, x509.KeyUsagesExtension).usages).toBe(Ku.digitalSignature);
    });

    it('OCSP responder: OCSPSigning and id-pkix-ocsp-nocheck (NULL), no AIA of its own', () => {
      const ca = CertificateAuthority.createRoot({ subject: 'Root', ocspUrl: 'http://127.0.0.1:1/ocsp' });
      const responder = ca.issueOcspResponder({ subject: 'ocsp' });
      const parsed = parse(responder.certificate);
      expect(extension(responder.certificate, x509.ExtendedKeyUsageExtension).usages).toEqual([Eku.ocspSigning]);
      const noCheck = parsed.getExtension(OCSP_NOCHECK);
      expect(noCheck).not.toBeNull();
      expect(Buffer.from(noCheck!.value).toString('hex')).toBe('0500');
      expect(parsed.getExtension(x509.AuthorityInfoAccessExtension)).toBeNull();
    });

    it('lets a drill override the extended key usage (a client certificate presented as a server)', () => {
      const wrong = intermediate.issueServer({ subject: 'wrong', extendedKeyUsage: ['clientAuth'] });
      expect(extension(wrong.certificate, x509.ExtendedKeyUsageExtension).usages).toEqual([Eku.clientAuth]);
      const both = intermediate.issueClient({ subject: 'both', extendedKeyUsage: ['serverAuth', 'clientAuth'] });
      expect(extension(both.certificate, x509.ExtendedKeyUsageExtension).usages).toEqual([Eku.serverAuth, Eku.clientAuth]);
    });

    it('writes the subject as C, O, OU, CN', () => {
      const leaf = intermediate.issueClient({
        subject: { country: 'DE', organization: 'Example GmbH', organizationalUnit: 'Payments', commonName: 'billing' },
      });
      expect(parse(leaf.certificate).subject).toBe('C=DE, O=Example GmbH, OU=Payments, CN=billing');
      expect(parse(leaf.certificate).issuer).toBe('CN=Issuing CA');
    });
  });

  describe('names and pointers', () => {
    it('writes DNS, IPv4, IPv6, URI (SPIFFE) and email SANs', () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root' });
      const leaf = root.issueServer({
        subject: 'api',
        dnsNames: ['api.example.org', '*.api.example.org'],
        ipAddresses: ['127.0.0.1', '2001:db8::1', '::1', 'fe80::1:2:3:4'],
        uris: [SPIFFE_ID],
        emails: ['ops@example.org'],
      });
      const names = extension(leaf.certificate, x509.SubjectAlternativeNameExtension).names.toJSON();
      expect(names).toEqual(
        expect.arrayContaining([
          { type: 'dns', value: 'api.example.org' },
          { type: 'dns', value: '*.api.example.org' },
          { type: 'ip', value: '127.0.0.1' },
          { type: 'ip', value: '2001:db8::1' },
          { type: 'ip', value: '::1' },
          { type: 'ip', value: 'fe80::1:2:3:4' },
          { type: 'url', value: SPIFFE_ID },
          { type: 'email', value: 'ops@example.org' },
        ]),
      );
      expect(names).toHaveLength(8);
      // Node (OpenSSL) reads the same names, including the 16-octet IPv6 address.
      expect(leaf.certificate.x509.subjectAltName).toContain('IP Address:2001:DB8:0:0:0:0:0:1');
      expect(leaf.certificate.x509.checkIP('2001:db8::1')).toBe('2001:db8::1');
      // checkHost answers with the SAN that matched: here the wildcard.
      expect(leaf.certificate.x509.checkHost('x.api.example.org')).toBe('*.api.example.org');
    });

    it('leaves the SAN extension out when a leaf has no names', () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root' });
      const leaf = root.issueClient({ subject: 'nameless' });
      expect(parse(leaf.certificate).getExtension(x509.SubjectAlternativeNameExtension)).toBeNull();
    });

    it('points leaves at the CA OCSP responder (AIA) and CRL (CDP); a leaf may override or drop them', () => {
      const root = CertificateAuthority.createRoot({
        subject: 'Root',
        ocspUrl: 'http://127.0.0.1:8080/ocsp',
        crlUrl: 'http://127.0.0.1:8080/root.crl',
      });
      const leaf = root.issueClient({ subject: 'c' });
      expect(extension(leaf.certificate, x509.AuthorityInfoAccessExtension).ocsp.map((name) => name.toJSON())).toEqual([
        { type: 'url', value: 'http://127.0.0.1:8080/ocsp' },
      ]);
      expect(extension(leaf.certificate, x509.CRLDistributionPointsExtension).distributionPoints).toMatchObject([
        { distributionPoint: { fullName: [{ uniformResourceIdentifier: 'http://127.0.0.1:8080/root.crl' }] } },
      ]);
      // Node (OpenSSL) reads the AIA the same way.
      expect(leaf.certificate.x509.infoAccess).toContain('OCSP - URI:http://127.0.0.1:8080/ocsp');

      const other = root.issueClient({ subject: 'o', ocspUrl: 'http://127.0.0.1:9/other', crlUrl: null });
      expect(extension(other.certificate, x509.AuthorityInfoAccessExtension).ocsp[0]?.value).toBe('http://127.0.0.1:9/other');
      expect(parse(other.certificate).getExtension(x509.CRLDistributionPointsExtension)).toBeNull();
      const bare = root.issueClient({ subject: 'b', ocspUrl: null, crlUrl: null });
      expect(parse(bare.certificate).getExtension(x509.AuthorityInfoAccessExtension)).toBeNull();
    });

    it('links SKI and AKI: SKI is the SHA-1 of the public key, AKI is the issuer SKI', async () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root' });
      const intermediate = root.issueIntermediate({ subject: 'Inter' });
      const leaf = intermediate.issueServer({ subject: 'leaf' });
      for (const certificate of [root.certificate, intermediate.certificate, leaf.certificate]) {
        const ski = extension(certificate, x509.SubjectKeyIdentifierExtension).keyId;
        const expected = Buffer.from(await parse(certificate).publicKey.getKeyIdentifier()).toString('hex');
        expect(ski).toBe(expected);
        expect(ski).toBe(certificate.subjectKeyId.toString('hex'));
      }
      expect(extension(intermediate.certificate, x509.AuthorityKeyIdentifierExtension).keyId).toBe(
        extension(root.certificate, x509.SubjectKeyIdentifierExtension).keyId,
      );
      expect(extension(leaf.certificate, x509.AuthorityKeyIdentifierExtension).keyId).toBe(
        extension(intermediate.certificate, x509.SubjectKeyIdentifierExtension).keyId,
      );
      // A self-signed root needs no AKI (RFC 5280 4.2.1.1 allows omitting it there).
      expect(parse(root.certificate).getExtension(x509.AuthorityKeyIdentifierExtension)).toBeNull();
    });
  });

  describe('serial numbers', () => {
    it('are positive, unique and what the Certificate reports', () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root' });
      const serials = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const leaf = root.issueClient({ subject: `c${i}` });
        const parsed = parse(leaf.certificate).serialNumber;
        // A DER INTEGER is negative when its first octet has the top bit set.
        expect(Number.parseInt(parsed.slice(0, 2), 16)).toBeLessThan(0x80);
        expect(parsed.length).toBeLessThanOrEqual(40);
        expect(parsed.toUpperCase().replace(/^0+/, '')).toBe(leaf.certificate.serialNumber);
        serials.add(parsed);
      }
      expect(serials.size).toBe(200);
    });

    it('encodes a given serial with an odd number of hex digits whole', () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root' });
      const odd = root.issueClient({ subject: 'odd', serialNumber: 'ABC' });
      expect(parse(odd.certificate).serialNumber).toBe('0abc');
      const padded = root.issueClient({ subject: 'padded', serialNumber: '0123' });
      expect(parse(padded.certificate).serialNumber).toBe('0123');
      expect(root.statusOf(odd.certificate.x509.serialNumber)).toEqual({ status: 'good' });
      const high = root.issueClient({ subject: 'high', serialNumber: 'FF01' });
      // A top bit set needs a leading zero octet to stay positive: INTEGER 02 03 00 FF 01.
      expect(parse(high.certificate).serialNumber).toBe('ff01');
      expect(high.certificate.der.includes(Buffer.from('020300ff01', 'hex'))).toBe(true);
    });

    it('revokes what it issued and refuses an unknown serial with E_PKI_UNKNOWN_SERIAL', () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root' });
      const leaf = root.issueClient({ subject: 'c' });
      const error = thrown(() => root.revoke('01DEADBEEF'));
      expect(error.code).toBe('E_PKI_UNKNOWN_SERIAL');
      expect(error.hint).toBeTruthy();
      const otherRoot = CertificateAuthority.createRoot({ subject: 'Other' });
      expect(thrown(() => otherRoot.revoke(leaf.certificate.serialNumber)).code).toBe('E_PKI_UNKNOWN_SERIAL');

      const revokedAt = new Date(Date.now() - 1000);
      root.revoke(leaf.certificate.x509.serialNumber.toLowerCase(), 'keyCompromise', revokedAt);
      expect(root.statusOf(leaf.certificate.serialNumber)).toEqual({ status: 'revoked', revokedAt, reason: 'keyCompromise' });
      root.unrevoke(leaf.certificate.serialNumber);
      expect(root.statusOf(leaf.certificate.serialNumber)).toEqual({ status: 'good' });
    });
  });

  describe('key algorithms', () => {
    const cases = [
      { algorithm: 'ecdsa-p256', key: { name: 'ECDSA', namedCurve: 'P-256' }, signature: { name: 'ECDSA', hash: { name: 'SHA-256' } } },
      { algorithm: 'ecdsa-p384', key: { name: 'ECDSA', namedCurve: 'P-384' }, signature: { name: 'ECDSA', hash: { name: 'SHA-384' } } },
      { algorithm: 'ed25519', key: { name: 'Ed25519' }, signature: { name: 'Ed25519' } },
      {
        algorithm: 'rsa-2048',
        key: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048 },
        signature: { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } },
      },
    ] as const;

    it.each(cases)('$algorithm: key, signature algorithm, and signatures that verify', async ({ algorithm, key, signature }) => {
      const root = CertificateAuthority.createRoot({ subject: `Root ${algorithm}`, algorithm });
      const intermediate = root.issueIntermediate({ subject: 'Inter' });
      const leaf = intermediate.issueServer({ subject: 'leaf', dnsNames: ['localhost'] });
      for (const certificate of [root.certificate, intermediate.certificate, leaf.certificate]) {
        expect(parse(certificate).publicKey.algorithm).toMatchObject(key);
        expect(parse(certificate).signatureAlgorithm).toMatchObject(signature);
        expect(certificate.keyAlgorithm).toBe(algorithm);
      }
      // Independent signature checks: WebCrypto through @peculiar/x509, and OpenSSL through Node.
      expect(await parse(leaf.certificate).verify({ publicKey: parse(intermediate.certificate).publicKey, signatureOnly: true })).toBe(true);
      expect(await parse(root.certificate).verify({ signatureOnly: true })).toBe(true);
      expect(leaf.certificate.x509.verify(intermediate.certificate.x509.publicKey)).toBe(true);
      expect(intermediate.certificate.x509.verify(root.certificate.x509.publicKey)).toBe(true);
      expect(root.certificate.x509.verify(root.certificate.x509.publicKey)).toBe(true);
      expect(leaf.certificate.x509.checkIssued(intermediate.certificate.x509)).toBe(true);
      expect(intermediate.certificate.x509.checkIssued(root.certificate.x509)).toBe(true);
      // and the negative side: the wrong issuer is not accepted.
      expect(leaf.certificate.x509.verify(root.certificate.x509.publicKey)).toBe(false);
      expect(leaf.certificate.x509.checkIssued(root.certificate.x509)).toBe(false);
      // The leaf key is the credential's key.
      expect(leaf.certificate.x509.checkPrivateKey(leaf.key.privateKey)).toBe(true);
    });

    it('issues a leaf with a different algorithm than its CA, signed by the CA key', () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root', algorithm: 'ecdsa-p384' });
      const leaf = root.issueClient({ subject: 'rsa client', algorithm: 'rsa-2048' });
      expect(parse(leaf.certificate).publicKey.algorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048 });
      expect(parse(leaf.certificate).signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-384' } });
      expect(leaf.certificate.x509.verify(root.certificate.x509.publicKey)).toBe(true);
    });

    it('reuses a given key', () => {
      const first = CertificateAuthority.createRoot({ subject: 'Root' });
      const again = CertificateAuthority.createRoot({ subject: 'Root again', key: first.key });
      expect(again.certificate.subjectKeyId).toEqual(first.certificate.subjectKeyId);
      expect(again.certificate.x509.publicKey.equals(createPublicKey(first.certificate.pem))).toBe(true);
    });
  });

  describe('hierarchy', () => {
    it('enforces pathLength 0: such a CA issues leaves but no intermediates (E_PKI_PATH_LENGTH)', () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root', pathLength: 1 });
      const issuing = root.issueIntermediate({ subject: 'I1', pathLength: 0 });
      const error = thrown(() => issuing.issueIntermediate({ subject: 'I2' }));
      expect(error.code).toBe('E_PKI_PATH_LENGTH');
      expect(error.hint).toBeTruthy();
      const otherRoot = CertificateAuthority.createRoot({ subject: 'Other' });
      expect(thrown(() => issuing.crossSign(otherRoot)).code).toBe('E_PKI_PATH_LENGTH');
      const leafOnlyRoot = CertificateAuthority.createRoot({ subject: 'Leaf-only root', pathLength: 0 });
      expect(thrown(() => leafOnlyRoot.issueIntermediate({ subject: 'I' })).code).toBe('E_PKI_PATH_LENGTH');
      expect(issuing.issueServer({ subject: 'leaf' }).certificate.x509.checkIssued(issuing.certificate.x509)).toBe(true);
    });

    it('tracks the chain: intermediates above a CA, leaf first, root excluded', () => {
      const root = CertificateAuthority.createRoot({ subject: 'Root' });
      const i1 = root.issueIntermediate({ subject: 'I1' });
      const i2 = i1.issueIntermediate({ subject: 'I2' });
      const leaf = i2.issueClient({ subject: 'leaf' });
      expect(root.chain).toEqual([]);
      expect(i2.chain.map((certificate) => certificate.subjectText)).toEqual(['CN=I2', 'CN=I1']);
      expect(leaf.intermediates.map((certificate) => certificate.subjectText)).toEqual(['CN=I2', 'CN=I1']);
      expect(i2.credential.intermediates.map((certificate) => certificate.subjectText)).toEqual(['CN=I1']);
      expect(i2.root).toBe(root);
      const pem = leaf.chainPem;
      const blocks = pem.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
      expect(blocks).toHaveLength(3);
      expect(new NodeX509Certificate(pem).subject).toBe('CN=leaf');
    });

    it('cross-signs: same subject and key as the other CA, issued and signed by this one', () => {
      const oldRoot = CertificateAuthority.createRoot({ subject: 'Old Root' });
      const newRoot = CertificateAuthority.createRoot({ subject: 'New Root', algorithm: 'ecdsa-p384' });
      const newIntermediate = newRoot.issueIntermediate({ subject: 'New Inter', pathLength: 0 });
      const cross = oldRoot.crossSign(newIntermediate);
      const parsed = parse(cross);
      expect(parsed.subject).toBe('CN=New Inter');
      expect(parsed.issuer).toBe('CN=Old Root');
      expect(cross.subjectKeyId).toEqual(newIntermediate.certificate.subjectKeyId);
      expect(extension(cross, x509.AuthorityKeyIdentifierExtension).keyId).toBe(oldRoot.certificate.subjectKeyId.toString('hex'));
      expect(extension(cross, x509.BasicConstraintsExtension)).toMatchObject({ ca: true, pathLength: 0 });
      expect(cross.x509.verify(oldRoot.certificate.x509.publicKey)).toBe(true);
      expect(cross.x509.publicKey.equals(newIntermediate.certificate.x509.publicKey)).toBe(true);
      // A leaf of the new intermediate is "issued" by the cross certificate too.
      const leaf = newIntermediate.issueServer({ subject: 'leaf' });
      expect(leaf.certificate.x509.checkIssued(cross.x509)).toBe(true);
      expect(leaf.certificate.x509.verify(cross.x509.publicKey)).toBe(true);
    });
  });
});
