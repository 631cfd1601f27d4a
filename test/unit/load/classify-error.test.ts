import { describe, expect, it } from 'vitest';
import { classifyError, classifyHttpAnswer, errorCode } from '../../../src/load/classify-error.js';

const withCert = { clientCertificateSent: true };
const withoutCert = { clientCertificateSent: false };

describe('classifyError', () => {
  it.each([
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'cert_expired'],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'bad_certificate'],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED', 'cert_revoked'],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'unknown_ca'],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'certificate_required'],
    ['ERR_SSL_TLSV1_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE', 'ocsp_unavailable'],
    ['ERR_SSL_TLSV1_ALERT_ACCESS_DENIED', 'forbidden'],
    ['CERT_HAS_EXPIRED', 'cert_expired'],
    ['CERT_NOT_YET_VALID', 'cert_not_yet_valid'],
    ['CERT_REVOKED', 'cert_revoked'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unknown_ca'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'unknown_ca'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'unknown_ca'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'unknown_ca'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'hostname_mismatch'],
    ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tls_policy'],
    ['ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'tls_policy'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls_policy'],
    ['ERR_SSL_NO_SHARED_CIPHER', 'tls_policy'],
    ['ECONNREFUSED', 'connection_refused'],
    ['ECONNRESET', 'connection_reset'],
    ['EPIPE', 'connection_reset'],
    ['ETIMEDOUT', 'handshake_timeout'],
  ] as const)('%s -> %s, keeping the raw code', (code, category) => {
    const error = Object.assign(new Error('boom'), { code });
    expect(classifyError(error, withCert)).toEqual({ category, rawCode: code });
  });

  it('reads handshake_failure as a missing certificate only when none was sent', () => {
    const error = Object.assign(new Error('alert 40'), { code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' });
    expect(classifyError(error, withoutCert).category).toBe('certificate_required');
    expect(classifyError(error, withCert).category).toBe('tls_policy');
  });

  it('calls anything unknown other and keeps its code, or its message when it has none', () => {
    expect(classifyError(Object.assign(new Error('x'), { code: 'EADDRNOTAVAIL' }), withCert)).toEqual({ category: 'other', rawCode: 'EADDRNOTAVAIL' });
    expect(classifyError(new Error('something odd'), withCert)).toEqual({ category: 'other', rawCode: 'something odd' });
    expect(errorCode(undefined)).toBe('UNKNOWN');
  });
});

describe('classifyHttpAnswer', () => {
  const nginx400 = (title: string) => `<html>\r\n<head><title>400 ${title}</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>${title}</center>`;

  it.each([
    [200, {}, '', 'ok', undefined],
    [204, {}, '', 'ok', undefined],
    [403, {}, 'Forbidden', 'forbidden', undefined],
    [400, {}, nginx400('The SSL certificate error'), 'bad_certificate', true],
    [400, {}, nginx400('No required SSL certificate was sent'), 'certificate_required', undefined],
    [495, { 'x-mtls-chaos-reason': 'cert_revoked' }, '', 'cert_revoked', undefined],
    [495, { 'x-mtls-chaos-reason': 'ocsp_unavailable' }, '', 'ocsp_unavailable', undefined],
    [495, { 'x-mtls-chaos-reason': 'cert_expired' }, '', 'cert_expired', undefined],
    [495, {}, '', 'bad_certificate', true],
    [495, { 'x-mtls-chaos-reason': 'not-a-category' }, '', 'bad_certificate', true],
    [496, {}, '', 'certificate_required', undefined],
    [400, {}, 'Bad Request', 'http_error', undefined],
    [502, {}, 'Bad Gateway', 'http_error', undefined],
  ] as const)('HTTP %i %o -> %s', (status, headers, body, category, unspecific) => {
    const result = classifyHttpAnswer(status, headers, body);
    expect(result.category).toBe(category);
    expect(result.unspecific).toBe(unspecific);
    expect(result.rawCode).toMatch(new RegExp(`^HTTP_${status}`));
  });
});
