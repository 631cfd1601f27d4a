import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type Forge from 'node-forge';
import { PkiError } from '../errors.js';
import type { Certificate } from './certificate.js';
import type { Credential } from './credential.js';

export interface Pkcs12Options {
  /** Protects both the private key (PBES2) and the integrity MAC; must not be empty. */
  readonly password: string;
  /** The alias Java keystores and OS key stores show; defaults to the certificate's common name. */
  readonly friendlyName?: string;
  /** Whether the intermediates go in with the leaf (default true), as TLS servers need them. */
  readonly includeChain?: boolean;
  /** Extra CA certificates (roots) for tools that read trust from the same file. */
  readonly trustAnchors?: readonly Certificate[];
}

/** RFC 7292 and PKCS #9 identifiers used below. */
const OID = {
  data: '1.2.840.113549.1.7.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  sha256: '2.16.840.1.101.3.4.2.1',
  /**
   * Oracle's "trusted key usage" bag attribute (what `openssl pkcs12 -jdktrust` writes): Java's
   * PKCS12 KeyStore only lists a certificate bag without a key as a trustedCertEntry if it is set.
   */
  oracleTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

/**
 * OpenSSL 3's own defaults for `openssl pkcs12 -export` (PBES2/PBKDF2 and the MAC): enough for
 * disposable lab keys, and fast, because forge derives the keys in JavaScript.
 */
const ITERATIONS = 2048;
const SALT_BYTES = 16;

/**
 * node-forge is required on first use: only `pki init --p12` needs it, and loading it cost every
 * command up to a second of start-up on a busy machine.
 */
const requireCjs = createRequire(import.meta.url);
let loadedForge: typeof Forge | undefined;
const forge = (): typeof Forge => (loadedForge ??= requireCjs('node-forge') as typeof Forge);
// Numeric constants of X.690 (forge.asn1.Class and forge.asn1.Type), written out so that naming them does not load forge.
const Class = { UNIVERSAL: 0, CONTEXT_SPECIFIC: 128 } as const;
const Type = { INTEGER: 2, OCTETSTRING: 4, NULL: 5, OID: 6, SEQUENCE: 16, SET: 17, BMPSTRING: 30 } as const;

const bin = (bytes: Uint8Array): string => Buffer.from(bytes).toString('binary');
const create = (type: Forge.asn1.Type, value: string | Forge.asn1.Asn1[]): Forge.asn1.Asn1 =>
  forge().asn1.create(Class.UNIVERSAL, type, Array.isArray(value), value);
const oid = (dotted: string): Forge.asn1.Asn1 => create(Type.OID, forge().asn1.oidToDer(dotted).getBytes());
const sequence = (...items: Forge.asn1.Asn1[]): Forge.asn1.Asn1 => create(Type.SEQUENCE, items);
const setOf = (...items: Forge.asn1.Asn1[]): Forge.asn1.Asn1 => create(Type.SET, items);
const octetString = (bytes: string): Forge.asn1.Asn1 => create(Type.OCTETSTRING, bytes);
const explicit0 = (inner: Forge.asn1.Asn1): Forge.asn1.Asn1 => forge().asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [inner]);
const toDer = (value: Forge.asn1.Asn1): string => forge().asn1.toDer(value).getBytes();

/**
 * BMPString is UTF-16BE (X.680 41.4), the type PKCS #9 friendlyName uses. forge's toDer writes a
 * BMPSTRING value as the UTF-16 code units of the JavaScript string, so the text goes in as is.
 */
const bmpString = (text: string): Forge.asn1.Asn1 => create(Type.BMPSTRING, text);

function attribute(attributeOid: string, value: Forge.asn1.Asn1): Forge.asn1.Asn1 {
  return sequence(oid(attributeOid), setOf(value));
}

function safeBag(bagOid: string, value: Forge.asn1.Asn1, attributes: Forge.asn1.Asn1[]): Forge.asn1.Asn1 {
  const bag = sequence(oid(bagOid), explicit0(value));
  if (attributes.length > 0) (bag.value as Forge.asn1.Asn1[]).push(setOf(...attributes));
  return bag;
}

function certificateBag(certificate: Certificate, attributes: Forge.asn1.Asn1[]): Forge.asn1.Asn1 {
  const value = sequence(oid(OID.x509Certificate), explicit0(octetString(bin(certificate.der))));
  return safeBag(OID.certBag, value, attributes);
}

/** ContentInfo of type id-data around DER-encoded SafeContents (RFC 7292 4.1). */
function dataContentInfo(content: string): Forge.asn1.Asn1 {
  return sequence(oid(OID.data), explicit0(octetString(content)));
}

/**
 * Writes a password-protected PKCS#12 (PFX) file holding the credential's key, its certificate
 * and (by default) its intermediates, readable by OpenSSL 3 without `-legacy`, by Node's
 * `tls.createSecureContext({ pfx, passphrase })`, and by Java keystores.
 *
 * Why not forge's `pkcs12.toPkcs12Asn1`: it takes a forge private key object, and forge only
 * models RSA keys (it re-encodes them through its RSA key type), so ECDSA and Ed25519 keys cannot
 * go through it. Instead the PKCS#8 DER Node exports (any algorithm) is shrouded as-is with
 * PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), and the PFX around it is assembled here from forge's
 * ASN.1 building blocks and its PKCS#12 key derivation for the MAC.
 */
export function exportPkcs12(credential: Credential, options: Pkcs12Options): Buffer {
  if (options.password.length === 0) {
    // An empty password is ambiguous in PKCS#12: implementations disagree on whether the MAC key
    // is derived from an empty BMPString with or without its two-byte terminator, or from no
    // password at all, so a file one tool writes another may refuse (RFC 7292 B.1).
    throw new PkiError('E_PKI_PKCS12_PASSWORD', 'a PKCS#12 file needs a non-empty password', {
      hint: 'pass a password (any non-empty string); use the PEM key and chain for unprotected files',
    });
  }
  const { certificate } = credential;
  // The convention OpenSSL follows: localKeyId is the SHA-1 of the certificate that goes with the key.
  const localKeyId = attribute(OID.localKeyId, octetString(bin(createHash('sha1').update(certificate.der).digest())));
  const friendlyName = attribute(OID.friendlyName, bmpString(options.friendlyName ?? credential.name));

  const pkcs8 = credential.key.privateKey.export({ type: 'pkcs8', format: 'der' });
  // PBKDF2 takes the password as octets: OpenSSL and Node use its UTF-8 bytes, and forge reads a
  // JavaScript string as Latin-1, so non-ASCII passwords must be UTF-8 encoded first.
  const shrouded = forge().pki.encryptPrivateKeyInfo(forge().asn1.fromDer(bin(pkcs8)), forge().util.encodeUtf8(options.password), {
    algorithm: 'aes256',
    prfAlgorithm: 'sha256',
    count: ITERATIONS,
    saltSize: SALT_BYTES,
  });
  const keyBag = safeBag(OID.pkcs8ShroudedKeyBag, shrouded, [friendlyName, localKeyId]);

  const chain = options.includeChain === false ? [] : credential.intermediates;
  const seen = new Set<string>([certificate.der.toString('base64')]);
  const certificateBags = [certificateBag(certificate, [friendlyName, localKeyId])];
  for (const cert of chain) {
    if (seen.has(cert.der.toString('base64'))) continue;
    seen.add(cert.der.toString('base64'));
    certificateBags.push(certificateBag(cert, []));
  }
  const trusted = attribute(OID.oracleTrustedKeyUsage, oid(OID.anyExtendedKeyUsage));
  for (const cert of options.trustAnchors ?? []) {
    if (seen.has(cert.der.toString('base64'))) continue;
    seen.add(cert.der.toString('base64'));
    certificateBags.push(certificateBag(cert, [trusted]));
  }

  // Certificates are public, so their SafeContents is plain id-data (`-certpbe NONE` in OpenSSL
  // terms); the key is protected by its own shrouding. The MAC covers both.
  const authenticatedSafe = toDer(
    sequence(dataContentInfo(toDer(sequence(...certificateBags))), dataContentInfo(toDer(sequence(keyBag)))),
  );

  // MAC key: RFC 7292 B.2 derivation (ID 3) from the password as a BMPString, 32 bytes for SHA-256.
  const macSalt = randomBytes(SALT_BYTES);
  const macKey = forge().pkcs12.generateKey(
    options.password,
    forge().util.createBuffer(bin(macSalt)),
    3,
    ITERATIONS,
    32,
    forge().md.sha256.create(),
  );
  const mac = createHmac('sha256', Buffer.from(macKey.getBytes(), 'binary'))
    .update(Buffer.from(authenticatedSafe, 'binary'))
    .digest();
  const macData = sequence(
    sequence(sequence(oid(OID.sha256), create(Type.NULL, '')), octetString(bin(mac))),
    octetString(bin(macSalt)),
    create(Type.INTEGER, forge().asn1.integerToDer(ITERATIONS).getBytes()),
  );

  const pfx = sequence(
    create(Type.INTEGER, forge().asn1.integerToDer(3).getBytes()),
    dataContentInfo(authenticatedSafe),
    macData,
  );
  return Buffer.from(toDer(pfx), 'binary');
}
