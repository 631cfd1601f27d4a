/**
 * The outcome of one attempt, in stable names (documented in the README; reports, SLOs and
 * comparisons key on them, so never rename one). `ok` is success; every other name says what
 * failed, whichever side noticed it.
 */
export const ERROR_CATEGORIES = [
  'ok',
  /** A certificate in the path is past notAfter (alert certificate_expired, nginx verify error 10). */
  'cert_expired',
  /** A certificate's notBefore is in the future (nginx verify error 9; HAProxy sends bad_certificate). */
  'cert_not_yet_valid',
  /** The peer's chain does not lead to a trusted root (alert unknown_ca, verify error 20/21). */
  'unknown_ca',
  /** The certificate was refused for another reason (alert bad_certificate, wrong purpose). */
  'bad_certificate',
  /** No client certificate was sent and the gateway requires one (TLS 1.3 alert 116, nginx 400). */
  'certificate_required',
  /** The certificate is revoked (OCSP or CRL; alert certificate_revoked, verify error 23). */
  'cert_revoked',
  /** Revocation status could not be obtained and the gateway fails closed (hard-fail OCSP). */
  'ocsp_unavailable',
  /** The server certificate does not name the host the client asked for. */
  'hostname_mismatch',
  /** No common TLS version, cipher suite or signature algorithm. */
  'tls_policy',
  /** TLS fine, identity refused by authorization: HTTP 403. */
  'forbidden',
  /** No answer within the attempt's timeout (blackholed peer, overloaded gateway). */
  'handshake_timeout',
  /** TCP connection refused: nothing listening. */
  'connection_refused',
  /** The peer reset or closed the connection without an alert or answer. */
  'connection_reset',
  /** An HTTP answer other than 2xx/403 that is not a certificate verdict. */
  'http_error',
  /** Anything else; the raw error code is kept with it. */
  'other',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export function isErrorCategory(value: string): value is ErrorCategory {
  return (ERROR_CATEGORIES as readonly string[]).includes(value);
}

/** A zeroed count per category, so every result lists every category. */
export function emptyCategoryCounts(): Record<ErrorCategory, number> {
  return Object.fromEntries(ERROR_CATEGORIES.map((category) => [category, 0])) as Record<ErrorCategory, number>;
}
