import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PkiError } from '../errors.js';
import { signatureAlgorithmIdentifier, type Certificate } from './certificate.js';
import type { CertificateAuthority } from './certificate-authority.js';
import type { Credential } from './credential.js';
import { OIDS } from './extensions.js';
import { signWith } from './key-algorithm.js';
import {
  certIdMatchesIssuer,
  nonceOfExtension,
  OCSP_OIDS,
  publicKeyBitsOfSpki,
  serialOf,
  subjectPublicKeyBits,
  toPkijsCertId,
  type OcspRequestInfo,
} from './ocsp-request.js';
import { REVOCATION_REASONS, type CertificateStatus, type RevocationReason } from './revocation.js';
import { signatureProblem } from './signature-check.js';

const HOUR_MS = 3_600_000;

/** OCSPResponseStatus (RFC 6960 4.2.1); 4 is not used. */
const RESPONSE_STATUS_CODES = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;
export type OcspResponseStatus = keyof typeof RESPONSE_STATUS_CODES;
export type OcspErrorStatus = Exclude<OcspResponseStatus, 'successful'>;

export interface OcspResponseOptions {
  readonly ca: CertificateAuthority;
  readonly request: OcspRequestInfo;
  /**
   * A delegated responder (RFC 6960 4.2.2.2) whose certificate goes into `certs`; defaults to
   * the CA itself. Not checked here, so a drill can sign with an unauthorised responder.
   */
  readonly signer?: Credential;
  /** Defaults to `at`. */
  readonly thisUpdate?: Date;
  /** Defaults to thisUpdate + 1 h; in the past for a stale drill; null leaves it out. */
  readonly nextUpdate?: Date | null;
  /** The time statuses are evaluated at and producedAt; defaults to now. */
  readonly at?: Date;
  /** Answer this status for every certificate asked about (a "responder says revoked" drill). */
  readonly statusOverride?: CertificateStatus;
  /** Echo the request's nonce (default: when it had one). */
  readonly includeNonce?: boolean;
}

/**
 * A successful OCSPResponse with a BasicOCSPResponse (RFC 6960 4.2.1). pkijs builds the
 * ResponseData; we sign its DER with `signWith` because pkijs signs through WebCrypto and we
 * want one path for ECDSA, RSA and Ed25519 alike.
 */
export function buildOcspResponse(options: OcspResponseOptions): Buffer {
  const { ca, request } = options;
  const at = options.at ?? new Date();
  const signer = options.signer ?? ca.credential;
  const thisUpdate = wholeSeconds(options.thisUpdate ?? at);
  const nextUpdate =
    options.nextUpdate === null ? undefined : wholeSeconds(options.nextUpdate ?? new Date(thisUpdate.getTime() + HOUR_MS));

  const responses = request.certIds.map((certId) => {
    // RFC 6960 2.2: "unknown" when the responder does not know the issuer of the certificate.
    const status: CertificateStatus =
      options.statusOverride ??
      (certIdMatchesIssuer(certId, ca.certificate) ? ca.statusOf(certId.serialNumber, at) : { status: 'unknown' });
    return new pkijs.SingleResponse({
      // Echo the request's CertID: clients (OpenSSL's OCSP_id_cmp) match on all four fields.
      certID: toPkijsCertId(certId),
      certStatus: encodeCertStatus(status),
      thisUpdate,
      ...(nextUpdate ? { nextUpdate } : {}),
    });
  });

  const nonce = (options.includeNonce ?? true) ? request.nonce : undefined;
  const responseData = new pkijs.ResponseData({
    // RFC 6960 4.2.2.3: byKey is the SHA-1 of the signer's subjectPublicKey bits.
    responderID: new asn1js.OctetString({ valueHex: sha1(subjectPublicKeyBits(signer.certificate)) }),
    producedAt: wholeSeconds(at),
    responses,
    // RFC 6960 4.4.1: the nonce comes back in responseExtensions, the way the client sent it.
    ...(nonce
      ? {
          responseExtensions: [
            new pkijs.Extension({
              extnID: OCSP_OIDS.nonce,
              critical: false,
              extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER(),
            }),
          ],
        }
      : {}),
  });
  responseData.tbsView = new Uint8Array(responseData.toSchema(true).toBER());

  const delegated = !signer.certificate.der.equals(ca.certificate.der);
  const basic = new pkijs.BasicOCSPResponse({
    tbsResponseData: responseData,
    signatureAlgorithm: pkijs.AlgorithmIdentifier.fromBER(signatureAlgorithmIdentifier(signer.key.algorithm)),
    signature: new asn1js.BitString({ valueHex: signWith(signer.key, responseData.tbsView) }),
    // RFC 6960 4.2.2.2: a delegated responder's certificate travels with the response.
    ...(delegated ? { certs: [pkijs.Certificate.fromBER(signer.certificate.der)] } : {}),
  });
  return encodeOcspResponse('successful', Buffer.from(basic.toSchema().toBER()));
}

/** An OCSPResponse without responseBytes, for error statuses (RFC 6960 4.2.1). */
export function buildOcspErrorResponse(status: OcspErrorStatus): Buffer {
  return encodeOcspResponse(status, undefined);
}

export interface OcspSingleStatus {
  readonly serialNumber: string;
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revokedAt?: Date;
  /** Absent when a revoked answer carries no revocationReason. */
  readonly reason?: RevocationReason;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** Whether the CertID names the issuer given to parseOcspResponse (hash of its name and key). */
  readonly issuerMatches: boolean;
}

export interface ParsedOcspResponse {
  readonly responseStatus: OcspResponseStatus;
  readonly producedAt?: Date;
  readonly singleResponses?: readonly OcspSingleStatus[];
  /** True only when signed by the issuer or by a responder the issuer delegated to. */
  readonly signatureValid?: boolean;
  /** Why signatureValid is false, for logs and error categories. */
  readonly signatureProblem?: string;
  readonly signer?: 'issuer' | 'delegated';
  readonly nonce?: Buffer;
}

export interface ParseOcspResponseOptions {
  /** The CA that issued the certificates asked about. */
  readonly issuer: Certificate;
  /** When a delegated responder's certificate must be valid; defaults to now. */
  readonly at?: Date;
}

/**
 * Reads an OCSPResponse and checks who signed it, the way a relying party must (RFC 6960 3.2,
 * 4.2.2.2): the issuer itself, or a certificate in `certs` issued directly by the issuer with
 * id-kp-OCSPSigning. Times are returned, not judged: a stale answer is for the caller to rate.
 */
export function parseOcspResponse(der: Uint8Array, options: ParseOcspResponseOptions): ParsedOcspResponse {
  let response: pkijs.OCSPResponse;
  try {
    response = pkijs.OCSPResponse.fromBER(der);
  } catch (error) {
    throw malformedResponse('not a DER OCSPResponse', error);
  }
  const code = response.responseStatus.valueBlock.valueDec;
  const responseStatus = (Object.keys(RESPONSE_STATUS_CODES) as OcspResponseStatus[]).find(
    (name) => RESPONSE_STATUS_CODES[name] === code,
  );
  if (!responseStatus) throw malformedResponse(`unknown responseStatus ${code}`, undefined);
  // RFC 6960 4.2.1: only a successful response carries responseBytes worth reading.
  if (responseStatus !== 'successful') return { responseStatus };
  if (!response.responseBytes) throw malformedResponse('successful but without responseBytes', undefined);
  if (response.responseBytes.responseType !== OCSP_OIDS.basicResponse) {
    throw malformedResponse(`unsupported responseType ${response.responseBytes.responseType}`, undefined);
  }

  let basic: pkijs.BasicOCSPResponse;
  let singleResponses: OcspSingleStatus[];
  try {
    basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView);
    singleResponses = basic.tbsResponseData.responses.map((single) => decodeSingleResponse(single, options.issuer));
  } catch (error) {
    throw malformedResponse('the BasicOCSPResponse does not parse', error);
  }
  const data = basic.tbsResponseData;
  const nonceExtension = data.responseExtensions?.find((extension) => extension.extnID === OCSP_OIDS.nonce);
  const verdict = verifyBasicResponse(basic, options.issuer, options.at ?? new Date());
  return {
    responseStatus,
    producedAt: data.producedAt,
    singleResponses,
    ...verdict,
    ...(nonceExtension ? { nonce: nonceOfExtension(Buffer.from(nonceExtension.extnValue.valueBlock.valueHexView)) } : {}),
  };
}

interface SignatureVerdict {
  readonly signatureValid: boolean;
  readonly signatureProblem?: string;
  readonly signer?: 'issuer' | 'delegated';
}

function verifyBasicResponse(basic: pkijs.BasicOCSPResponse, issuer: Certificate, at: Date): SignatureVerdict {
  const tbs = basic.tbsResponseData.tbsView;
  const signature = Buffer.from(basic.signature.valueBlock.valueHexView);
  const algorithmOid = basic.signatureAlgorithm.algorithmId;
  const responderId: unknown = basic.tbsResponseData.responderID;

  if (responderIdNames(responderId, issuer.subjectDer, subjectPublicKeyBits(issuer))) {
    return checkSignature(tbs, signature, algorithmOid, issuer.x509.publicKey, 'issuer');
  }
  for (const embedded of basic.certs ?? []) {
    let candidate: X509Certificate;
    try {
      candidate = new X509Certificate(Buffer.from(embedded.toSchema().toBER()));
    } catch {
      continue; // pkijs parsed it but OpenSSL cannot: it cannot be the signer we accept.
    }
    const keyBits = publicKeyBitsOfSpki(candidate.publicKey.export({ type: 'spki', format: 'der' }));
    if (!responderIdNames(responderId, Buffer.from(embedded.subject.toSchema().toBER()), keyBits)) continue;
    const problem = delegationProblem(candidate, issuer, at);
    if (problem) return { signatureValid: false, signatureProblem: problem, signer: 'delegated' };
    return checkSignature(tbs, signature, algorithmOid, candidate.publicKey, 'delegated');
  }
  return {
    signatureValid: false,
    signatureProblem: 'the responderID names neither the issuer nor a certificate in the response',
  };
}

/** RFC 6960 4.2.2.2: what makes a delegated responder authorised to answer for `issuer`. */
function delegationProblem(candidate: X509Certificate, issuer: Certificate, at: Date): string | undefined {
  if (!candidate.checkIssued(issuer.x509) || !candidate.verify(issuer.x509.publicKey)) {
    return `delegated responder ${candidate.subject} was not issued by the certificate's issuer`;
  }
  // Node's X509Certificate.keyUsage lists the *extended* key usages; undefined when absent.
  const extendedKeyUsages = (candidate.keyUsage as string[] | undefined) ?? [];
  if (!extendedKeyUsages.includes(OIDS.ocspSigning)) {
    return `delegated responder ${candidate.subject} lacks extended key usage id-kp-OCSPSigning`;
  }
  if (at < new Date(candidate.validFrom) || at > new Date(candidate.validTo)) {
    return `delegated responder ${candidate.subject} is not valid at ${at.toISOString()}`;
  }
  return undefined;
}

function checkSignature(
  tbs: Uint8Array,
  signature: Buffer,
  algorithmOid: string,
  publicKey: KeyObject,
  signer: 'issuer' | 'delegated',
): SignatureVerdict {
  const problem = signatureProblem(tbs, signature, algorithmOid, publicKey);
  return problem ? { signatureValid: false, signatureProblem: problem, signer } : { signatureValid: true, signer };
}

/** ResponderID (RFC 6960 4.2.2.3): byName [1] Name, or byKey [2] SHA-1 of the key bits. */
function responderIdNames(responderId: unknown, subjectDer: Buffer, keyBits: Buffer): boolean {
  if (responderId instanceof pkijs.RelativeDistinguishedNames) {
    return Buffer.from(responderId.toSchema().toBER()).equals(subjectDer);
  }
  if (responderId instanceof asn1js.OctetString) {
    return Buffer.from(responderId.valueBlock.valueHexView).equals(sha1(keyBits));
  }
  return false;
}

function encodeCertStatus(status: CertificateStatus): asn1js.BaseBlock {
  switch (status.status) {
    // CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL }
    case 'good':
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
    case 'unknown':
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
    case 'revoked':
      // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
      return new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 1 },
        value: [
          new asn1js.GeneralizedTime({ valueDate: wholeSeconds(status.revokedAt) }),
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 0 },
            value: [new asn1js.Enumerated({ value: REVOCATION_REASONS[status.reason] })],
          }),
        ],
      });
  }
}

function decodeSingleResponse(single: pkijs.SingleResponse, issuer: Certificate): OcspSingleStatus {
  const certStatus = single.certStatus as asn1js.BaseBlock;
  const common = {
    serialNumber: serialOf(single.certID.serialNumber),
    thisUpdate: single.thisUpdate,
    ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}),
    issuerMatches: certIdMatchesIssuer(
      {
        hashAlgorithmOid: single.certID.hashAlgorithm.algorithmId,
        issuerNameHash: Buffer.from(single.certID.issuerNameHash.valueBlock.valueHexView),
        issuerKeyHash: Buffer.from(single.certID.issuerKeyHash.valueBlock.valueHexView),
      },
      issuer,
    ),
  };
  switch (certStatus.idBlock.tagNumber) {
    case 0:
      return { ...common, status: 'good' };
    case 2:
      return { ...common, status: 'unknown' };
    case 1: {
      const [revocationTime, reasonWrapper] = (certStatus as asn1js.Constructed).valueBlock.value;
      if (!(revocationTime instanceof asn1js.GeneralizedTime)) throw new Error('RevokedInfo without revocationTime');
      const reasonValue =
        reasonWrapper instanceof asn1js.Constructed ? reasonWrapper.valueBlock.value[0] : undefined;
      const reason =
        reasonValue instanceof asn1js.Enumerated ? reasonName(reasonValue.valueBlock.valueDec) : undefined;
      return { ...common, status: 'revoked', revokedAt: revocationTime.toDate(), ...(reason ? { reason } : {}) };
    }
    default:
      throw new Error(`unknown CertStatus tag ${certStatus.idBlock.tagNumber}`);
  }
}

function reasonName(code: number): RevocationReason | undefined {
  return (Object.keys(REVOCATION_REASONS) as RevocationReason[]).find((name) => REVOCATION_REASONS[name] === code);
}

function encodeOcspResponse(status: OcspResponseStatus, basicResponse: Buffer | undefined): Buffer {
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: RESPONSE_STATUS_CODES[status] }),
    ...(basicResponse
      ? {
          responseBytes: new pkijs.ResponseBytes({
            responseType: OCSP_OIDS.basicResponse,
            response: new asn1js.OctetString({ valueHex: basicResponse }),
          }),
        }
      : {}),
  });
  return Buffer.from(response.toSchema().toBER());
}

function sha1(data: Uint8Array): Buffer {
  return createHash('sha1').update(data).digest();
}

/** GeneralizedTime without fractions, the form RFC 5280 4.1.2.5.2 prescribes and OpenSSL prints. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function malformedResponse(detail: string, cause: unknown): PkiError {
  return new PkiError('E_OCSP_MALFORMED_RESPONSE', `malformed OCSP response: ${detail}`, {
    hint: 'the responder sent something that is not a DER OCSPResponse (RFC 6960 4.2.1); check its URL and logs',
    cause,
  });
}
