import type { ErrorCategory } from '../metrics/index.js';
import type { K6Request } from './k6-ndjson-reader.js';

/**
 * Our error category for a k6 request, from what k6 tags it with: the HTTP status, and for a
 * request without an answer the error_code (k6's documented codes: 1050 request timeout, 1211
 * dial timeout, 1212 connection refused, 1220 reset by peer, 1300 TLS, 1310 unknown authority,
 * 1311 hostname mismatch) with the Go error text in the `error` tag for the TLS alert names.
 * k6 keeps no response body, so nginx's 400 for a refused certificate stays http_error here.
 */
export function categoryOfK6Request(request: K6Request): { category: ErrorCategory; rawCode?: string } {
  const status = Number(request.tags['status'] ?? '0');
  if (status >= 200 && status < 300) return { category: 'ok' };
  if (status === 403) return { category: 'forbidden', rawCode: 'HTTP_403' };
  if (status === 495) return { category: 'bad_certificate', rawCode: 'HTTP_495' };
  if (status === 496) return { category: 'certificate_required', rawCode: 'HTTP_496' };
  if (status > 0) return { category: 'http_error', rawCode: `HTTP_${status}` };
  const code = request.tags['error_code'] ?? '';
  const error = (request.tags['error'] ?? '').toLowerCase();
  const rawCode = `K6_${code || 'NO_CODE'}${error ? `: ${request.tags['error']}` : ''}`;
  const byCode: Readonly<Record<string, ErrorCategory>> = {
    '1050': 'handshake_timeout',
    '1211': 'handshake_timeout',
    '1212': 'connection_refused',
    '1201': 'connection_reset',
    '1220': 'connection_reset',
    '1310': 'unknown_ca',
    '1311': 'hostname_mismatch',
  };
  const known = byCode[code];
  if (known) return { category: known, rawCode };
  // Go's crypto/tls names the alert the server sent ("remote error: tls: expired certificate").
  const byText: ReadonlyArray<[RegExp, ErrorCategory]> = [
    [/expired certificate|certificate has expired/, 'cert_expired'],
    [/not yet valid/, 'cert_not_yet_valid'],
    [/revoked certificate/, 'cert_revoked'],
    [/unknown certificate authority|unknown authority/, 'unknown_ca'],
    [/certificate required/, 'certificate_required'],
    [/bad certificate status response/, 'ocsp_unavailable'],
    [/bad certificate|unsupported certificate|certificate unknown/, 'bad_certificate'],
    [/protocol version|handshake failure|insufficient security|no cipher/, 'tls_policy'],
    [/timeout|deadline exceeded/, 'handshake_timeout'],
    [/connection reset|broken pipe|eof/, 'connection_reset'],
    [/connection refused/, 'connection_refused'],
  ];
  const fromText = byText.find(([pattern]) => pattern.test(error));
  return { category: fromText ? fromText[1] : 'other', rawCode };
}
