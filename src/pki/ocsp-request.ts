import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PkiError } from '../errors.js';
import type { Certificate } from './certificate.js';
import { normaliseSerial } from './revocation.js';

export const OCSP_OIDS = {
  /** id-pkix-ocsp-nonce (RFC 6960 4.4.1, RFC 8954). */
  nonce: '1.3.6.1.5.5.7.48.1.2',
  /** id-pkix-ocsp-basic (RFC 6960 4.2.1), the only response type anyone uses. */
  basicResponse: '1.3.6.1.5.5.7.48.1.1',
} as const;

/** CertID hash algorithms (RFC 6960 4.1.1): SHA-1 is what RFC 5019 clients and OpenSSL send by default. */
const HASH_OIDS = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;
export type CertIdHash = keyof typeof HASH_OIDS;

/** One certificate a client asks about (RFC 6960 4.1.1 CertID). */
export interface OcspCertId {
  /** Upper-case hex without leading zeros, as `Certificate.serialNumber`. */
  readonly serialNumber: string;
  /** Hash of the DER of the issuer's Name, as it appears in the certificate asked about. */
  readonly issuerNameHash: Buffer;
  /** Hash of the issuer's subjectPublicKey BIT STRING value (without tag, length, unused-bits octet). */
  readonly issuerKeyHash: Buffer;
  readonly hashAlgorithmOid: string;
}

export interface OcspRequestInfo {
  readonly certIds: readonly OcspCertId[];
  /** The nonce value (the content of the extension's inner OCTET STRING, RFC 8954 2.1). */
  readonly nonce?: Buffer;
}

export interface OcspRequestOptions {
  /** Add a nonce extension (default true), as `openssl ocsp` does unless told -no_nonce. */
  readonly nonce?: boolean;
  /** CertID hash; default sha1, which every responder understands (RFC 5019 2.1.1). */
  readonly hash?: 'sha1' | 'sha256';
}

/** Reads an OCSPRequest (RFC 6960 4.1.1), as an OCSP responder receives it. */
export function parseOcspRequest(der: Uint8Array): OcspRequestInfo {
  let request: pkijs.OCSPRequest;
  try {
    request = pkijs.OCSPRequest.fromBER(der);
  } catch (error) {
    throw malformedRequest('not a DER OCSPRequest', error);
  }
  const certIds: OcspCertId[] = [];
  for (const { reqCert } of request.tbsRequest.requestList) {
    let serialNumber: string;
    try {
      serialNumber = serialOf(reqCert.serialNumber);
    } catch (error) {
      throw malformedRequest('a CertID has a negative or empty serial number', error);
    }
    certIds.push({
      serialNumber,
      issuerNameHash: Buffer.from(reqCert.issuerNameHash.valueBlock.valueHexView),
      issuerKeyHash: Buffer.from(reqCert.issuerKeyHash.valueBlock.valueHexView),
      hashAlgorithmOid: reqCert.hashAlgorithm.algorithmId,
    });
  }
  if (certIds.length === 0) throw malformedRequest('the request lists no certificates', undefined);
  const nonceExtension = request.tbsRequest.requestExtensions?.find((extension) => extension.extnID === OCSP_OIDS.nonce);
  const nonce = nonceExtension ? nonceOfExtension(Buffer.from(nonceExtension.extnValue.valueBlock.valueHexView)) : undefined;
  return nonce ? { certIds, nonce } : { certIds };
}

/**
 * An issuer known only from the certificate it issued: the authority key identifier, which CAs
 * (OpenSSL's `authorityKeyIdentifier=keyid`, ours) compute as the SHA-1 of their key bits (RFC
 * 5280 4.2.1.2 method 1), which is exactly a SHA-1 CertID's issuerKeyHash. Enough to ask a
 * responder; not enough to check its answer's signature.
 */
export interface OcspIssuerKeyId {
  readonly sha1KeyHash: Buffer;
}

/** Encodes an unsigned OCSPRequest for `certificate`, issued by `issuer` (RFC 6960 4.1.1). */
export function buildOcspRequest(
  certificate: Certificate,
  issuer: Certificate | OcspIssuerKeyId,
  options: OcspRequestOptions = {},
): Buffer {
  const hash = options.hash ?? 'sha1';
  if ('sha1KeyHash' in issuer && hash !== 'sha1') throw new RangeError('an issuer known only by its SHA-1 key identifier needs a SHA-1 CertID');
  const issuerKeyHash = 'sha1KeyHash' in issuer ? issuer.sha1KeyHash : digest(hash, subjectPublicKeyBits(issuer));
  const certId = new pkijs.CertID({
    // OpenSSL writes the hash AlgorithmIdentifier with NULL parameters; so do we.
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OIDS[hash], algorithmParams: new asn1js.Null() }),
    // RFC 6960 4.1.1: the hash of the issuer name field *in the certificate being checked*.
    issuerNameHash: new asn1js.OctetString({ valueHex: digest(hash, certificate.issuerDer) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: issuerKeyHash }),
    serialNumber: integerOf(certificate.serialNumber),
  });
  const tbsRequest = new pkijs.TBSRequest({ requestList: [new pkijs.Request({ reqCert: certId })] });
  if (options.nonce ?? true) {
    // RFC 8954 2.1: a nonce of 32 octets, wrapped in an OCTET STRING inside extnValue.
    tbsRequest.requestExtensions = [
      new pkijs.Extension({
        extnID: OCSP_OIDS.nonce,
        critical: false,
        extnValue: new asn1js.OctetString({ valueHex: randomBytes(32) }).toBER(),
      }),
    ];
  }
  return Buffer.from(new pkijs.OCSPRequest({ tbsRequest }).toSchema(true).toBER());
}

/** The hash function behind a CertID hash algorithm OID, or undefined if we do not know it. */
export function certIdHashOf(hashAlgorithmOid: string): CertIdHash | undefined {
  return (Object.keys(HASH_OIDS) as CertIdHash[]).find((name) => HASH_OIDS[name] === hashAlgorithmOid);
}

/**
 * Whether a CertID names `issuer` as the issuing CA: its name hash and key hash, computed with
 * the CertID's own hash algorithm, match (RFC 6960 4.1.1). SHA-1 and SHA-2 CertIDs both occur.
 */
export function certIdMatchesIssuer(
  certId: Pick<OcspCertId, 'hashAlgorithmOid' | 'issuerNameHash' | 'issuerKeyHash'>,
  issuer: Certificate,
): boolean {
  const hash = certIdHashOf(certId.hashAlgorithmOid);
  if (!hash) return false;
  return (
    digest(hash, issuer.subjectDer).equals(certId.issuerNameHash) &&
    digest(hash, subjectPublicKeyBits(issuer)).equals(certId.issuerKeyHash)
  );
}

/** A pkijs CertID with the same fields as `certId`, to echo in a SingleResponse. */
export function toPkijsCertId(certId: OcspCertId): pkijs.CertID {
  return new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: certId.hashAlgorithmOid, algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: certId.issuerNameHash }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: certId.issuerKeyHash }),
    serialNumber: integerOf(certId.serialNumber),
  });
}

const keyBitsCache = new WeakMap<Certificate, Buffer>();

/** The subjectPublicKey BIT STRING value of a certificate: what issuerKeyHash and KeyHash hash. */
export function subjectPublicKeyBits(certificate: Certificate): Buffer {
  let bits = keyBitsCache.get(certificate);
  if (!bits) {
    bits = publicKeyBitsOfSpki(certificate.x509.publicKey.export({ type: 'spki', format: 'der' }));
    keyBitsCache.set(certificate, bits);
  }
  return bits;
}

export function publicKeyBitsOfSpki(spki: Uint8Array): Buffer {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  const parsed = asn1js.fromBER(spki).result as asn1js.Sequence;
  const bitString = parsed.valueBlock.value[1] as asn1js.BitString;
  return Buffer.from(bitString.valueBlock.valueHexView);
}

export function digest(hash: CertIdHash, data: Uint8Array): Buffer {
  return createHash(hash).update(data).digest();
}

/** A serial as a positive INTEGER (a leading zero octet where the top bit is set). */
export function integerOf(serialNumber: string): asn1js.Integer {
  return asn1js.Integer.fromBigInt(BigInt(`0x${normaliseSerial(serialNumber)}`));
}

/** An INTEGER serial in our form; throws RangeError for negative serials, which no CA issues. */
export function serialOf(integer: asn1js.Integer): string {
  return normaliseSerial(integer.toBigInt().toString(16));
}

/**
 * RFC 8954 2.1 says extnValue holds an OCTET STRING whose content is the nonce; a few old clients
 * put the raw bytes there instead. Take the inner value when it is a whole OCTET STRING.
 */
export function nonceOfExtension(extnValue: Buffer): Buffer {
  const parsed = asn1js.fromBER(extnValue);
  if (parsed.offset === extnValue.length && parsed.result instanceof asn1js.OctetString && !parsed.result.idBlock.isConstructed) {
    return Buffer.from(parsed.result.valueBlock.valueHexView);
  }
  return extnValue;
}

function malformedRequest(detail: string, cause: unknown): PkiError {
  return new PkiError('E_OCSP_MALFORMED_REQUEST', `malformed OCSP request: ${detail}`, {
    hint: 'send a DER OCSPRequest (RFC 6960 4.1.1), e.g. made by `openssl ocsp -reqout` or buildOcspRequest',
    cause,
  });
}
