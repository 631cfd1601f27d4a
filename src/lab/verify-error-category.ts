import type { ErrorCategory } from '../metrics/error-category.js';

/**
 * OpenSSL's X509_V_ERR_* verdicts on a client certificate, in the two spellings gateways show
 * them: Node's `socket.authorizationError` ('CERT_HAS_EXPIRED') and the number nginx logs
 * ("client SSL certificate verify error: (10:certificate has expired)") and haproxy's
 * ssl_c_verify fetch returns. All map to the same categories, so node, nginx and haproxy
 * gateways are compared like for like.
 */
const BY_CODE: Record<string, { readonly number: number; readonly category: ErrorCategory }> = {
  UNABLE_TO_GET_ISSUER_CERT: { number: 2, category: 'unknown_ca' },
  UNABLE_TO_GET_CRL: { number: 3, category: 'ocsp_unavailable' },
  CERT_SIGNATURE_FAILURE: { number: 7, category: 'bad_certificate' },
  CERT_NOT_YET_VALID: { number: 9, category: 'cert_not_yet_valid' },
  CERT_HAS_EXPIRED: { number: 10, category: 'cert_expired' },
  CRL_NOT_YET_VALID: { number: 11, category: 'ocsp_unavailable' },
  CRL_HAS_EXPIRED: { number: 12, category: 'ocsp_unavailable' },
  DEPTH_ZERO_SELF_SIGNED_CERT: { number: 18, category: 'unknown_ca' },
  SELF_SIGNED_CERT_IN_CHAIN: { number: 19, category: 'unknown_ca' },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { number: 20, category: 'unknown_ca' },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { number: 21, category: 'unknown_ca' },
  CERT_CHAIN_TOO_LONG: { number: 22, category: 'bad_certificate' },
  CERT_REVOKED: { number: 23, category: 'cert_revoked' },
  INVALID_CA: { number: 24, category: 'bad_certificate' },
  PATH_LENGTH_EXCEEDED: { number: 25, category: 'bad_certificate' },
  INVALID_PURPOSE: { number: 26, category: 'bad_certificate' },
  CERT_UNTRUSTED: { number: 27, category: 'unknown_ca' },
  CERT_REJECTED: { number: 28, category: 'bad_certificate' },
};

const BY_NUMBER = new Map(Object.values(BY_CODE).map(({ number, category }) => [number, category]));

/**
 * The category of Node's authorizationError. UNABLE_TO_GET_CRL and expired CRLs are revocation
 * status that could not be obtained: the gateway fails closed, like hard-fail OCSP.
 */
export function categoryOfVerifyCode(code: string): ErrorCategory {
  return BY_CODE[code]?.category ?? 'bad_certificate';
}

/** The category of an X509_V_ERR number, as nginx logs it. */
export function categoryOfVerifyNumber(number: number): ErrorCategory {
  return BY_NUMBER.get(number) ?? 'bad_certificate';
}

/**
 * The X509_V_ERR numbers of each category, for gateways whose config must spell the mapping out
 * (haproxy: one `http-request return` per category, matched on ssl_c_verify). Numbers absent
 * here are bad_certificate.
 */
export function verifyNumbersByCategory(): ReadonlyMap<ErrorCategory, readonly number[]> {
  const byCategory = new Map<ErrorCategory, number[]>();
  for (const [number, category] of BY_NUMBER) byCategory.set(category, [...(byCategory.get(category) ?? []), number]);
  return byCategory;
}
