import { createHash, createHmac, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { PkiError } from '../../../src/errors.js';
import { CertificateAuthority } from '../../../src/pki/certificate-authority.js';
import type { Credential } from '../../../src/pki/credential.js';
import type { KeyAlgorithm } from '../../../src/pki/key-algorithm.js';
import { exportPkcs12 } from '../../../src/pki/pkcs12.js';

type Asn1 = forge.asn1.Asn1;

const children = (node: Asn1 | undefined): Asn1[] => {
  if (!node || !Array.isArray(node.value)) throw new Error('expected a constructed ASN.1 value');
  return node.value;
};
const child = (node: Asn1 | undefined, index: number): Asn1 => {
  const found = children(node)[index];
  if (!found) throw new Error(`no child ${index}`);
  return found;
};
const bytes = (node: Asn1): Buffer => Buffer.from(node.value as string, 'binary');
const oidOf = (node: Asn1): string => forge.asn1.derToOid(node.value as string);
const fromDer = (der: Buffer | string): Asn1 =>
  forge.asn1.fromDer(typeof der === 'string' ? der : der.toString('binary'));

interface Bag {
  readonly type: string;
  readonly value: Asn1;
  readonly attributes: Map<string, Asn1>;
}

/** Reads a PFX the long way, following RFC 7292 with nothing from our writer. */
function readPfx(pfx: Buffer) {
  const root = fromDer(pfx);
  const [version, authSafe, macData] = children(root);
  const authSafeOctets = bytes(child(child(authSafe, 1), 0));
  const safes = children(fromDer(authSafeOctets)).map((contentInfo) => {
    expect(oidOf(child(contentInfo, 0))).toBe('1.2.840.113549.1.7.1'); // id-data: nothing PKCS#7-encrypted
    return children(fromDer(bytes(child(child(contentInfo, 1), 0)))).map((bag): Bag => {
      const attributes = new Map<string, Asn1>();
      for (const attribute of children(bag).length > 2 ? children(child(bag, 2)) : []) {
        attributes.set(oidOf(child(attribute, 0)), child(child(attribute, 1), 0));
      }
      return { type: oidOf(child(bag, 0)), value: child(child(bag, 1), 0), attributes };
    });
  });
  return { version: bytes(version!)[0], authSafeOctets, macData: macData!, bags: safes.flat() };
}

const KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const LOCAL_KEY_ID = '1.2.840.113549.1.9.21';
const ORACLE_TRUSTED = '2.16.840.1.113894.746875.1.1';

const certificateOf = (bag: Bag): Buffer => bytes(child(child(bag.value, 1), 0));

function lab(algorithm: KeyAlgorithm) {
  const root = CertificateAuthority.createRoot({ subject: `Root ${algorithm}`, algorithm });
  const intermediate = root.issueIntermediate({ subject: 'Issuing CA' });
  const server = intermediate.issueServer({ subject: 'api.example.org', dnsNames: ['api.example.org'] });
  return { root, intermediate, server };
}

function macMatches(pfx: Buffer, password: string): boolean {
  const { authSafeOctets, macData } = readPfx(pfx);
  const digestInfo = child(macData, 0);
  expect(oidOf(child(child(digestInfo, 0), 0))).toBe('2.16.840.1.101.3.4.2.1'); // SHA-256
  const salt = bytes(child(macData, 1));
  const iterations = Number.parseInt(bytes(child(macData, 2)).toString('hex'), 16);
  const key = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt.toString('binary')), 3, iterations, 32, forge.md.sha256.create());
  const mac = createHmac('sha256', Buffer.from(key.getBytes(), 'binary')).update(authSafeOctets).digest();
  return mac.equals(bytes(child(digestInfo, 1)));
}

function decryptedKey(pfx: Buffer, password: string): Buffer {
  const keyBag = readPfx(pfx).bags.find((bag) => bag.type === KEY_BAG);
  if (!keyBag) throw new Error('no key bag');
  const info = forge.pki.decryptPrivateKeyInfo(keyBag.value, forge.util.encodeUtf8(password));
  if (!info) throw new Error('could not decrypt the key bag');
  return Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
}

const pkcs8Of = (credential: Credential): Buffer => credential.key.privateKey.export({ type: 'pkcs8', format: 'der' });

describe('exportPkcs12', () => {
  it.each(['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048'] as const)(
    '%s: the shrouded key decrypts to the exact PKCS#8 key and Node (OpenSSL) loads the file',
    (algorithm) => {
      const { server } = lab(algorithm);
      const pfx = exportPkcs12(server, { password: 'correct horse' });
      expect(decryptedKey(pfx, 'correct horse')).toEqual(pkcs8Of(server));
      expect(() => createSecureContext({ pfx, passphrase: 'correct horse' })).not.toThrow();
      // OpenSSL checks the key against the certificate while loading; a wrong passphrase fails the MAC.
      expect(() => createSecureContext({ pfx, passphrase: 'wrong horse' })).toThrow(/mac verify failure/i);
    },
  );

  it('is a version 3 PFX with a SHA-256 MAC over the AuthenticatedSafe, keyed by the password', () => {
    const { server } = lab('ecdsa-p256');
    const pfx = exportPkcs12(server, { password: 's3cret' });
    expect(readPfx(pfx).version).toBe(3);
    expect(macMatches(pfx, 's3cret')).toBe(true);
    expect(macMatches(pfx, 's3cret!')).toBe(false);
  });

  it('shrouds the key with PBES2: PBKDF2 with HMAC-SHA256 and AES-256-CBC', () => {
    const { server } = lab('ed25519');
    const keyBag = readPfx(exportPkcs12(server, { password: 'pw' })).bags.find((bag) => bag.type === KEY_BAG)!;
    const algorithm = child(keyBag.value, 0);
    expect(oidOf(child(algorithm, 0))).toBe('1.2.840.113549.1.5.13'); // PBES2
    const [kdf, scheme] = children(child(algorithm, 1));
    expect(oidOf(child(kdf, 0))).toBe('1.2.840.113549.1.5.12'); // PBKDF2
    expect(oidOf(child(child(child(kdf, 1), 3), 0))).toBe('1.2.840.113549.2.9'); // hmacWithSHA256
    expect(oidOf(child(scheme, 0))).toBe('2.16.840.1.101.3.4.1.42'); // aes256-CBC
  });

  it('puts leaf, intermediates, then trust anchors in order; leaf and key share localKeyId and friendlyName', () => {
    const { root, intermediate, server } = lab('ecdsa-p256');
    const pfx = exportPkcs12(server, { password: 'pw', trustAnchors: [root.certificate] });
    const { bags } = readPfx(pfx);
    const certificates = bags.filter((bag) => bag.type === CERT_BAG);
    expect(certificates.map(certificateOf)).toEqual([server.certificate.der, intermediate.certificate.der, root.certificate.der]);
    const keyBag = bags.find((bag) => bag.type === KEY_BAG)!;
    const localKeyId = createHash('sha1').update(server.certificate.der).digest();
    for (const bag of [keyBag, certificates[0]!]) {
      expect(bytes(bag.attributes.get(LOCAL_KEY_ID)!)).toEqual(localKeyId);
      expect(bag.attributes.get(FRIENDLY_NAME)?.type).toBe(forge.asn1.Type.BMPSTRING);
      expect(bag.attributes.get(FRIENDLY_NAME)?.value).toBe('api.example.org');
    }
    // Intermediates carry no attributes; trust anchors carry Java's trusted-certificate marker.
    expect(certificates[1]!.attributes.size).toBe(0);
    expect(oidOf(certificates[2]!.attributes.get(ORACLE_TRUSTED)!)).toBe('2.5.29.37.0');
    expect(certificates[2]!.attributes.has(LOCAL_KEY_ID)).toBe(false);
  });

  it('leaves intermediates out with includeChain: false and drops duplicates', () => {
    const { root, intermediate, server } = lab('ecdsa-p256');
    const leafOnly = readPfx(exportPkcs12(server, { password: 'pw', includeChain: false })).bags;
    expect(leafOnly.filter((bag) => bag.type === CERT_BAG).map(certificateOf)).toEqual([server.certificate.der]);
    const duplicated = readPfx(
      exportPkcs12(server, { password: 'pw', trustAnchors: [intermediate.certificate, root.certificate, root.certificate] }),
    ).bags;
    expect(duplicated.filter((bag) => bag.type === CERT_BAG).map(certificateOf)).toEqual([
      server.certificate.der,
      intermediate.certificate.der,
      root.certificate.der,
    ]);
  });

  it('uses the given friendly name, non-ASCII included', () => {
    const { server } = lab('ecdsa-p256');
    const { bags } = readPfx(exportPkcs12(server, { password: 'pw', friendlyName: 'clé de l’API' }));
    expect(bags.find((bag) => bag.type === KEY_BAG)!.attributes.get(FRIENDLY_NAME)?.value).toBe('clé de l’API');
  });

  it('derives keys from a non-ASCII password the way OpenSSL does (UTF-8 for PBKDF2, BMPString for the MAC)', () => {
    const { server } = lab('ecdsa-p256');
    const pfx = exportPkcs12(server, { password: 'pässwörd-密码' });
    expect(() => createSecureContext({ pfx, passphrase: 'pässwörd-密码' })).not.toThrow();
    expect(() => createSecureContext({ pfx, passphrase: 'passwort-密码' })).toThrow(/mac verify failure/i);
    expect(createPrivateKey({ key: decryptedKey(pfx, 'pässwörd-密码'), format: 'der', type: 'pkcs8' }).asymmetricKeyType).toBe('ec');
  });

  it('salts every export: two exports of one credential differ', () => {
    const { server } = lab('ed25519');
    expect(exportPkcs12(server, { password: 'pw' }).equals(exportPkcs12(server, { password: 'pw' }))).toBe(false);
  });

  it('refuses an empty password with E_PKI_PKCS12_PASSWORD and a hint', () => {
    const { server } = lab('ecdsa-p256');
    let error: unknown;
    try {
      exportPkcs12(server, { password: '' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PkiError);
    expect(error).toMatchObject({ code: 'E_PKI_PKCS12_PASSWORD', hint: expect.stringMatching(/password/) });
  });

  it('reads back with forge own PKCS#12 parser for an RSA key (the one type forge models)', () => {
    const { server } = lab('rsa-2048');
    const pfx = exportPkcs12(server, { password: 'pw' });
    const parsed = forge.pkcs12.pkcs12FromAsn1(fromDer(pfx), 'pw');
    const keyBags = parsed.getBags({ bagType: KEY_BAG })[KEY_BAG] ?? [];
    expect(keyBags).toHaveLength(1);
    expect(keyBags[0]?.attributes['friendlyName']).toEqual(['api.example.org']);
    const certBags = parsed.getBags({ bagType: CERT_BAG })[CERT_BAG] ?? [];
    expect(certBags.map((bag) => bag.cert?.subject.getField('CN')?.value)).toEqual(['api.example.org', 'Issuing CA']);
  });
});
