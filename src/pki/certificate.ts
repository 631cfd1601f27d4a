import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { bitString, explicit, integer, nullValue, oid, sequence, time, toPem, type Der } from './der.js';
import { encodeName, formatName, type DistinguishedName } from './distinguished-name.js';
import {
  authorityKeyIdentifier,
  encodeExtension,
  subjectKeyIdentifier,
  type Extension,
} from './extensions.js';
import { signatureProfile, signWith, type KeyAlgorithm, type KeyPair } from './key-algorithm.js';

/** An issued certificate and the facts the lab needs about it without parsing it again. */
export class Certificate {
  private pemCache: string | undefined;
  private x509Cache: X509Certificate | undefined;

  constructor(
    readonly der: Buffer,
    /** Upper-case hex without leading zeros stripped, as `openssl x509 -serial` prints it. */
    readonly serialNumber: string,
    readonly subject: DistinguishedName,
    /** The exact DER of the subject Name: issued children copy it as their issuer. */
    readonly subjectDer: Buffer,
    readonly issuerDer: Buffer,
    readonly notBefore: Date,
    readonly notAfter: Date,
    /** SHA-1 of the subjectPublicKey (RFC 5280 4.2.1.2 method 1). */
    readonly subjectKeyId: Buffer,
    readonly isCa: boolean,
    readonly keyAlgorithm: KeyAlgorithm,
  ) {}

  get pem(): string {
    this.pemCache ??= toPem('CERTIFICATE', this.der);
    return this.pemCache;
  }

  /** Node's parsed view, for checks such as `verify` and `checkIssued`; built on first use. */
  get x509(): X509Certificate {
    this.x509Cache ??= new X509Certificate(this.der);
    return this.x509Cache;
  }

  get subjectText(): string {
    return formatName(this.subject);
  }

  /** Whether the certificate is inside its validity window at `at`. */
  isValidAt(at: Date): boolean {
    return at >= this.notBefore && at <= this.notAfter;
  }
}

export interface CertificateFields {
  readonly subject: DistinguishedName;
  readonly subjectKey: KeyPair;
  readonly issuerDer: Buffer;
  readonly issuerKey: KeyPair;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  /** Profile extensions; subject and authority key identifiers are added here. */
  readonly extensions: readonly Extension[];
  /** The issuer's subjectKeyId; omitted for a self-signed root. */
  readonly authorityKeyId?: Buffer;
  /** Hex; random when omitted. */
  readonly serialNumber?: string;
}

/** AlgorithmIdentifier for a signature made by a key of this algorithm. */
export function signatureAlgorithmIdentifier(algorithm: KeyAlgorithm): Der {
  const profile = signatureProfile(algorithm);
  return profile.nullParameters ? sequence(oid(profile.signatureOid), nullValue()) : sequence(oid(profile.signatureOid));
}

/**
 * 16 random bytes with the top bit cleared: positive, non-zero with overwhelming probability,
 * within the 20 octets of RFC 5280 4.1.2.2, and unpredictable (CA/B Forum asks for 64+ bits).
 */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f | 0x01;
  return bytes.toString('hex').toUpperCase();
}

/** The subjectPublicKey BIT STRING content of an SPKI, for the key identifier hash. */
function subjectPublicKeyBits(spki: Buffer): Buffer {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  let offset = headerLength(spki, 0);
  offset += headerLength(spki, offset) + contentLength(spki, offset);
  const bitsHeader = headerLength(spki, offset);
  return spki.subarray(offset + bitsHeader + 1, offset + bitsHeader + contentLength(spki, offset));
}

function headerLength(der: Buffer, offset: number): number {
  const first = der[offset + 1] ?? 0;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

function contentLength(der: Buffer, offset: number): number {
  const first = der[offset + 1] ?? 0;
  if (first < 0x80) return first;
  let length = 0;
  for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + (der[offset + 2 + i] ?? 0);
  return length;
}

export function keyIdentifierOf(spki: Buffer): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
}

/** Encodes and signs an X.509 v3 certificate (RFC 5280 4.1). */
export function issueCertificate(fields: CertificateFields): Certificate {
  const serialNumber = fields.serialNumber ?? randomSerialNumber();
  const spki = fields.subjectKey.publicKey.export({ type: 'spki', format: 'der' });
  const subjectDer = encodeName(fields.subject);
  const signatureAlgorithm = signatureAlgorithmIdentifier(fields.issuerKey.algorithm);
  const subjectKeyId = keyIdentifierOf(spki);
  const extensions = [...fields.extensions, subjectKeyIdentifier(subjectKeyId)];
  if (fields.authorityKeyId) extensions.push(authorityKeyIdentifier(fields.authorityKeyId));
  const tbs = sequence(
    explicit(0, integer(2)),
    // Buffer.from(hex) silently drops a trailing odd digit ('ABC' -> AB), and normalised serials
    // have their leading zeros stripped, so pad to whole octets first.
    integer(Buffer.from(serialNumber.length % 2 === 0 ? serialNumber : `0${serialNumber}`, 'hex')),
    signatureAlgorithm,
    fields.issuerDer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    subjectDer,
    spki,
    explicit(3, sequence(...extensions.map(encodeExtension))),
  );
  const signature = signWith(fields.issuerKey, tbs);
  const der = sequence(tbs, signatureAlgorithm, bitString(signature));
  return new Certificate(
    der,
    serialNumber.replace(/^0+(?=.)/, ''),
    fields.subject,
    subjectDer,
    fields.issuerDer,
    // X.509 times have second precision; keep exactly what was encoded.
    new Date(Math.floor(fields.notBefore.getTime() / 1000) * 1000),
    new Date(Math.floor(fields.notAfter.getTime() / 1000) * 1000),
    subjectKeyId,
    fields.isCa,
    fields.subjectKey.algorithm,
  );
}
