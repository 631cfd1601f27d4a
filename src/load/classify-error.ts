import { isErrorCategory, type ErrorCategory } from '../metrics/error-category.js';

/** A category and the raw code behind it (kept for `other`, for diagnosis and for reports). */
export interface Classification {
  readonly category: ErrorCategory;
  readonly rawCode: string;
  /**
   * The gateway refused the client certificate without saying why (nginx's 400 "The SSL
   * certificate error", or a socket closed right after a TLS 1.3 handshake): a diagnosis of the
   * client's own certificate or the gateway's log may refine the category.
   */
  readonly unspecific?: boolean;
}

export interface ErrorContext {
  /** Whether this attempt presented a client certificate (handshake_failure means different things). */
  readonly clientCertificateSent: boolean;
}

/**
 * TLS alerts as OpenSSL reports them to Node (`ERR_SSL_<alert>`), and Node's own codes for the
 * verification of the *server's* certificate. Alerts name the reason a peer (HAProxy, OpenSSL,
 * Envoy) refused us; verification codes are the client refusing the server. Both end up in the
 * same categories: a category says what failed, whichever side noticed it (docs/ARCHITECTURE.md, "Error categories").
 */
const CODE_CATEGORIES: Readonly<Record<string, ErrorCategory>> = {
  // Alerts from the server (RFC 8446 6.2; OpenSSL keeps the SSLv3/TLSv1 prefix of the alert's origin).
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'cert_expired',
  // HAProxy and OpenSSL send bad_certificate for a not-yet-valid certificate, among other things;
  // the diagnosis refines it when the client's own notBefore is in the future.
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'bad_certificate',
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: 'bad_certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'bad_certificate',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'bad_certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED: 'cert_revoked',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'unknown_ca',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'certificate_required',
  // bad_certificate_status_response (RFC 6066 8): the OCSP status could not be had or used.
  ERR_SSL_TLSV1_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE: 'ocsp_unavailable',
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: 'forbidden',
  ERR_SSL_TLSV1_UNRECOGNIZED_NAME: 'hostname_mismatch',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'tls_policy',
  ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY: 'tls_policy',
  ERR_SSL_TLSV1_ALERT_INAPPROPRIATE_FALLBACK: 'tls_policy',
  ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL: 'tls_policy',
  // Local refusals of the negotiation (our own minVersion/ciphers against the server's).
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'tls_policy',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'tls_policy',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls_policy',
  ERR_SSL_NO_SHARED_CIPHER: 'tls_policy',
  ERR_SSL_NO_CIPHERS_AVAILABLE: 'tls_policy',
  ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM: 'tls_policy',
  ERR_SSL_NO_SHARED_SIGNATURE_ALGORITHMS: 'tls_policy',
  ERR_SSL_VERSION_TOO_LOW: 'tls_policy',
  ERR_SSL_WRONG_SSL_VERSION: 'tls_policy',
  // The client verifying the server's certificate (Node's codes for X509_V_ERR_*).
  CERT_HAS_EXPIRED: 'cert_expired',
  CERT_NOT_YET_VALID: 'cert_not_yet_valid',
  CERT_REVOKED: 'cert_revoked',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown_ca',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown_ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown_ca',
  SELF_SIGNED_CERT_IN_CHAIN: 'unknown_ca',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'unknown_ca',
  CERT_UNTRUSTED: 'unknown_ca',
  CERT_SIGNATURE_FAILURE: 'bad_certificate',
  INVALID_PURPOSE: 'bad_certificate',
  CERT_REJECTED: 'bad_certificate',
  CERT_CHAIN_TOO_LONG: 'bad_certificate',
  PATH_LENGTH_EXCEEDED: 'bad_certificate',
  INVALID_CA: 'bad_certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname_mismatch',
  HOSTNAME_MISMATCH: 'hostname_mismatch',
  // TCP.
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  ERR_STREAM_PREMATURE_CLOSE: 'connection_reset',
  ETIMEDOUT: 'handshake_timeout',
  ERR_SSL_TIMEOUT: 'handshake_timeout',
};

/**
 * Maps an error an attempt saw (a Node/OpenSSL error, or a code string) to its category.
 * handshake_failure (alert 40) is what a TLS 1.2 server sends when a required client
 * certificate is missing, and also what any server sends when no parameters match: which one
 * it was depends on whether we sent a certificate.
 */
export function classifyError(error: unknown, context: ErrorContext): Classification {
  const rawCode = errorCode(error);
  if (rawCode === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' || rawCode === 'ERR_SSL_TLSV1_ALERT_HANDSHAKE_FAILURE') {
    return { category: context.clientCertificateSent ? 'tls_policy' : 'certificate_required', rawCode };
  }
  const category = CODE_CATEGORIES[rawCode];
  if (category) return { category, rawCode };
  // OpenSSL codes we have no entry for still say which side closed: keep the code, call it other.
  return { category: 'other', rawCode };
}

/** The code of an error: `code` when Node set one, else the message, so nothing is lost. */
export function errorCode(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message.length > 0) return message;
  }
  return 'UNKNOWN';
}

/** The header our node gateway (and any gateway following the same contract) sets on a 495. */
export const REASON_HEADER = 'x-mtls-chaos-reason';

/** What nginx writes in the body of its 400 for each client-certificate error (ngx_http_special_response.c). */
const NGINX_CERT_ERROR = 'The SSL certificate error';
const NGINX_NO_CERT = 'No required SSL certificate was sent';

/**
 * Classifies an HTTP answer. The answer decides success (TLS 1.3 reports a refused client
 * certificate after the client's handshake is complete), and some gateways refuse in HTTP:
 * - our node gateway, and the haproxy gateway with `rejectWith: http` (components/haproxy-config.ts),
 *   answer 495/496 with `x-mtls-chaos-reason: <category>`: taken as it is (haproxy with
 *   `verify required` refuses with a TLS alert instead, classified by classifyError);
 * - nginx (`ssl_verify_client on`) answers 400 "The SSL certificate error" for *every*
 *   certificate error (the reason is only in its error log: unspecific, to be diagnosed) and
 *   400 "No required SSL certificate was sent" without a certificate. Its internal 495/496 codes
 *   are what a gateway that does not rewrite them would send.
 */
export function classifyHttpAnswer(
  status: number,
  headers: Readonly<Record<string, string>>,
  bodySnippet: string,
): Classification {
  if (status >= 200 && status < 300) return { category: 'ok', rawCode: `HTTP_${status}` };
  const reason = headers[REASON_HEADER]?.trim();
  if (reason && isErrorCategory(reason) && reason !== 'ok') return { category: reason, rawCode: `HTTP_${status}_${reason.toUpperCase()}` };
  if (status === 403) return { category: 'forbidden', rawCode: 'HTTP_403' };
  if (status === 496 || (status === 400 && bodySnippet.includes(NGINX_NO_CERT))) {
    return { category: 'certificate_required', rawCode: `HTTP_${status}_NO_CLIENT_CERTIFICATE` };
  }
  if (status === 495 || (status === 400 && bodySnippet.includes(NGINX_CERT_ERROR))) {
    return { category: 'bad_certificate', rawCode: `HTTP_${status}_SSL_CERTIFICATE_ERROR`, unspecific: true };
  }
  return { category: 'http_error', rawCode: `HTTP_${status}` };
}
