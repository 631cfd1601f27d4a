import * as pkijs from 'pkijs';
import type { Certificate } from './certificate.js';
import { serialOf } from './ocsp-request.js';
import { signatureProblem } from './signature-check.js';

/** What a CRL says about one certificate, once its signature and issuer are checked. */
export type CrlVerdict =
  | { readonly kind: 'listed'; readonly revokedAt: Date; readonly thisUpdate: Date }
  | { readonly kind: 'not-listed'; readonly thisUpdate: Date; readonly nextUpdate?: Date }
  | { readonly kind: 'unusable'; readonly detail: string };

/**
 * Reads a DER CRL (RFC 5280 5) and says whether it lists `certificate`: only a CRL signed by the
 * certificate's issuer, under the issuer's name, counts. A stale CRL (nextUpdate passed) still
 * counts for "listed" (revocation is final, RFC 5280 3.3) but not for "not listed".
 */
export function checkCrl(der: Uint8Array, certificate: Certificate, issuer: Certificate, at: Date = new Date()): CrlVerdict {
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(der);
  } catch {
    return { kind: 'unusable', detail: 'not a DER CRL' };
  }
  if (!Buffer.from(crl.issuer.toSchema().toBER()).equals(issuer.subjectDer)) {
    return { kind: 'unusable', detail: 'the CRL was issued by another CA than the certificate' };
  }
  const problem = signatureProblem(crl.tbsView, Buffer.from(crl.signatureValue.valueBlock.valueHexView), crl.signatureAlgorithm.algorithmId, issuer.x509.publicKey);
  if (problem) return { kind: 'unusable', detail: `CRL not trusted: ${problem}` };
  const thisUpdate = crl.thisUpdate.value;
  const entry = crl.revokedCertificates?.find((revoked) => serialOf(revoked.userCertificate) === certificate.serialNumber);
  if (entry) return { kind: 'listed', revokedAt: entry.revocationDate.value, thisUpdate };
  const nextUpdate = crl.nextUpdate?.value;
  if (nextUpdate && nextUpdate < at) return { kind: 'unusable', detail: `the CRL is stale (nextUpdate ${nextUpdate.toISOString()} passed)` };
  return { kind: 'not-listed', thisUpdate, ...(nextUpdate ? { nextUpdate } : {}) };
}
