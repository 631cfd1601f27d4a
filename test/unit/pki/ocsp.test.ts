import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { PkiError } from '../../../src/errors.js';
import { CertificateAuthority } from '../../../src/pki/certificate-authority.js';
import type { KeyAlgorithm } from '../../../src/pki/key-algorithm.js';
import { buildOcspRequest, parseOcspRequest, type OcspRequestInfo } from '../../../src/pki/ocsp-request.js';
import {
  buildOcspErrorResponse,
  buildOcspResponse,
  parseOcspResponse,
  type OcspErrorStatus,
} from '../../../src/pki/ocsp-response.js';

const ALGORITHMS: readonly KeyAlgorithm[] = ['ecdsa-p256', 'ed25519', 'rsa-2048'];
const SHA1 = '1.3.14.3.2.26';
const SHA256 = '2.16.840.1.101.3.4.2.1';

function lab(algorithm: KeyAlgorithm) {
  const root = CertificateAuthority.createRoot({ subject: 'OCSP Root', algorithm });
  const ca = root.issueIntermediate({ subject: 'OCSP Issuing CA' });
  const good = ca.issueClient({ subject: 'good client' });
  const revoked = ca.issueClient({ subject: 'revoked client' });
  const responder = ca.issueOcspResponder({ subject: 'OCSP responder' });
  return { root, ca, good, revoked, responder };
}

function expectPkiError(action: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PkiError);
  expect((thrown as PkiError).code).toBe(code);
}

describe('buildOcspRequest / parseOcspRequest', () => {
  const { ca, good } = lab('ecdsa-p256');

  it('round-trips a SHA-1 CertID with a 32-octet nonce by default', () => {
    const info = parseOcspRequest(buildOcspRequest(good.certificate, ca.certificate));
    expect(info.certIds).toHaveLength(1);
    const [certId] = info.certIds;
    expect(certId!.serialNumber).toBe(good.certificate.serialNumber);
    expect(certId!.hashAlgorithmOid).toBe(SHA1);
    expect(certId!.issuerNameHash.equals(createHash('sha1').update(ca.certificate.subjectDer).digest())).toBe(true);
    // The SHA-1 key hash is by definition the issuer's subjectKeyId (RFC 5280 4.2.1.2 method 1).
    expect(certId!.issuerKeyHash.equals(ca.certificate.subjectKeyId)).toBe(true);
    expect(info.nonce).toHaveLength(32);
  });

  it('uses SHA-256 when asked and leaves the nonce out with nonce: false', () => {
    const info = parseOcspRequest(buildOcspRequest(good.certificate, ca.certificate, { hash: 'sha256', nonce: false }));
    const [certId] = info.certIds;
    expect(certId!.hashAlgorithmOid).toBe(SHA256);
    expect(certId!.issuerNameHash.equals(createHash('sha256').update(ca.certificate.subjectDer).digest())).toBe(true);
    expect(certId!.issuerKeyHash).toHaveLength(32);
    expect(info.nonce).toBeUndefined();
  });

  it('gives each request a fresh nonce', () => {
    const first = parseOcspRequest(buildOcspRequest(good.certificate, ca.certificate)).nonce!;
    const second = parseOcspRequest(buildOcspRequest(good.certificate, ca.certificate)).nonce!;
    expect(first.equals(second)).toBe(false);
  });

  it.each([
    ['empty input', Buffer.alloc(0)],
    ['random bytes', Buffer.from('not an ocsp request at all')],
    ['a certificate', good.certificate.der],
    ['a truncated request', buildOcspRequest(good.certificate, ca.certificate).subarray(0, 20)],
  ])('rejects %s with E_OCSP_MALFORMED_REQUEST', (_name, der) => {
    expectPkiError(() => parseOcspRequest(der), 'E_OCSP_MALFORMED_REQUEST');
  });
});

describe.each(ALGORITHMS)('OCSP responses from a %s CA', (algorithm) => {
  const { ca, good, revoked, responder } = lab(algorithm);
  const revokedAt = new Date('2026-02-03T04:05:06.789Z');
  ca.revoke(revoked.certificate.serialNumber, 'keyCompromise', revokedAt);
  const issuer = ca.certificate;

  it('answers good, signed by the CA, with the nonce echoed', () => {
    const request = parseOcspRequest(buildOcspRequest(good.certificate, issuer));
    const parsed = parseOcspResponse(buildOcspResponse({ ca, request }), { issuer });
    expect(parsed.responseStatus).toBe('successful');
    expect(parsed.signatureValid).toBe(true);
    expect(parsed.signer).toBe('issuer');
    expect(parsed.nonce?.equals(request.nonce!)).toBe(true);
    expect(parsed.singleResponses).toHaveLength(1);
    expect(parsed.singleResponses![0]).toMatchObject({
      serialNumber: good.certificate.serialNumber,
      status: 'good',
      issuerMatches: true,
    });
  });

  it('answers revoked with the revocation time and reason', () => {
    const request = parseOcspRequest(buildOcspRequest(revoked.certificate, issuer));
    const parsed = parseOcspResponse(buildOcspResponse({ ca, request }), { issuer });
    expect(parsed.signatureValid).toBe(true);
    const single = parsed.singleResponses![0]!;
    expect(single.status).toBe('revoked');
    expect(single.serialNumber).toBe(revoked.certificate.serialNumber);
    expect(single.revokedAt?.toISOString()).toBe('2026-02-03T04:05:06.000Z');
    expect(single.reason).toBe('keyCompromise');
  });

  it('answers for SHA-256 CertIDs too', () => {
    const request = parseOcspRequest(buildOcspRequest(revoked.certificate, issuer, { hash: 'sha256' }));
    const parsed = parseOcspResponse(buildOcspResponse({ ca, request }), { issuer });
    expect(parsed.singleResponses![0]).toMatchObject({ status: 'revoked', issuerMatches: true });
  });

  it('answers unknown for a certificate of another issuer, even with a serial this CA issued', () => {
    const other = CertificateAuthority.createRoot({ subject: 'Other Root', algorithm });
    const stranger = other.issueClient({ subject: 'stranger', serialNumber: revoked.certificate.serialNumber });
    const request = parseOcspRequest(buildOcspRequest(stranger.certificate, other.certificate));
    const parsed = parseOcspResponse(buildOcspResponse({ ca, request }), { issuer });
    expect(parsed.signatureValid).toBe(true);
    expect(parsed.singleResponses![0]).toMatchObject({ status: 'unknown', issuerMatches: false });
  });

  it('answers unknown for a serial this CA never issued', () => {
    const request = parseOcspRequest(buildOcspRequest(good.certificate, issuer));
    const forged: OcspRequestInfo = { certIds: [{ ...request.certIds[0]!, serialNumber: '1234' }] };
    const parsed = parseOcspResponse(buildOcspResponse({ ca, request: forged }), { issuer });
    expect(parsed.singleResponses![0]).toMatchObject({ serialNumber: '1234', status: 'unknown', issuerMatches: true });
  });

  it('is signed by a delegated responder whose certificate travels in certs', () => {
    const request = parseOcspRequest(buildOcspRequest(revoked.certificate, issuer));
    const der = buildOcspResponse({ ca, request, signer: responder });
    const parsed = parseOcspResponse(der, { issuer });
    expect(parsed.signatureValid).toBe(true);
    expect(parsed.signer).toBe('delegated');
    expect(parsed.singleResponses![0]!.status).toBe('revoked');

    const basic = pkijs.BasicOCSPResponse.fromBER(
      pkijs.OCSPResponse.fromBER(der).responseBytes!.response.valueBlock.valueHexView,
    );
    expect(basic.certs).toHaveLength(1);
    expect(Buffer.from(basic.certs![0]!.toSchema().toBER()).equals(responder.certificate.der)).toBe(true);
    // responderID byKey: the responder's key hash, which is its subjectKeyId.
    const responderId = basic.tbsResponseData.responderID as { valueBlock: { valueHexView: Uint8Array } };
    expect(Buffer.from(responderId.valueBlock.valueHexView).equals(responder.certificate.subjectKeyId)).toBe(true);
  });

  it('reports a tampered response as not validly signed', () => {
    const request = parseOcspRequest(buildOcspRequest(good.certificate, issuer));
    const der = buildOcspResponse({ ca, request });
    // Flip a bit of the echoed nonce: still well-formed, no longer what was signed.
    const at = der.indexOf(request.nonce!);
    expect(at).toBeGreaterThan(0);
    const tampered = Buffer.from(der);
    tampered[at]! ^= 0x01;
    const parsed = parseOcspResponse(tampered, { issuer });
    expect(parsed.signatureValid).toBe(false);
    expect(parsed.signatureProblem).toBe('bad signature');
  });
});

describe('OCSP response options and checks', () => {
  const { root, ca, good, revoked, responder } = lab('ecdsa-p256');
  ca.revoke(revoked.certificate.serialNumber, 'unspecified', new Date('2026-01-01T00:00:00Z'));
  const issuer = ca.certificate;
  const goodRequest = parseOcspRequest(buildOcspRequest(good.certificate, issuer));

  it('defaults thisUpdate and producedAt to at, nextUpdate to one hour later', () => {
    const at = new Date('2026-06-01T12:00:00.750Z');
    const parsed = parseOcspResponse(buildOcspResponse({ ca, request: goodRequest, at }), { issuer });
    expect(parsed.producedAt?.toISOString()).toBe('2026-06-01T12:00:00.000Z');
    expect(parsed.singleResponses![0]!.thisUpdate.toISOString()).toBe('2026-06-01T12:00:00.000Z');
    expect(parsed.singleResponses![0]!.nextUpdate?.toISOString()).toBe('2026-06-01T13:00:00.000Z');
  });

  it('encodes a stale answer with nextUpdate in the past, or none at all', () => {
    const thisUpdate = new Date(Date.now() - 2 * 3_600_000);
    const nextUpdate = new Date(Date.now() - 3_600_000);
    const stale = parseOcspResponse(buildOcspResponse({ ca, request: goodRequest, thisUpdate, nextUpdate }), { issuer });
    expect(stale.singleResponses![0]!.nextUpdate!.getTime()).toBe(Math.floor(nextUpdate.getTime() / 1000) * 1000);
    expect(stale.signatureValid).toBe(true);
    const open = parseOcspResponse(buildOcspResponse({ ca, request: goodRequest, nextUpdate: null }), { issuer });
    expect(open.singleResponses![0]!.nextUpdate).toBeUndefined();
  });

  it('judges status at `at`: before the revocation the certificate is good', () => {
    const request = parseOcspRequest(buildOcspRequest(revoked.certificate, issuer));
    const before = parseOcspResponse(buildOcspResponse({ ca, request, at: new Date('2025-12-31T00:00:00Z') }), { issuer });
    expect(before.singleResponses![0]!.status).toBe('good');
    const after = parseOcspResponse(buildOcspResponse({ ca, request }), { issuer });
    expect(after.singleResponses![0]).toMatchObject({ status: 'revoked', reason: 'unspecified' });
  });

  it('answers statusOverride for every certificate (a "responder says revoked" drill)', () => {
    const override = { status: 'revoked', revokedAt: new Date('2026-03-03T03:03:03Z'), reason: 'cACompromise' } as const;
    const parsed = parseOcspResponse(buildOcspResponse({ ca, request: goodRequest, statusOverride: override }), { issuer });
    expect(parsed.singleResponses![0]).toMatchObject({
      status: 'revoked',
      reason: 'cACompromise',
      revokedAt: new Date('2026-03-03T03:03:03Z'),
    });
  });

  it('leaves the nonce out when includeNonce is false or the request had none', () => {
    const withoutEcho = parseOcspResponse(buildOcspResponse({ ca, request: goodRequest, includeNonce: false }), { issuer });
    expect(withoutEcho.nonce).toBeUndefined();
    const noNonce = parseOcspRequest(buildOcspRequest(good.certificate, issuer, { nonce: false }));
    expect(parseOcspResponse(buildOcspResponse({ ca, request: noNonce }), { issuer }).nonce).toBeUndefined();
  });

  it('answers every CertID of a multi-certificate request in order', () => {
    const second = parseOcspRequest(buildOcspRequest(revoked.certificate, issuer, { hash: 'sha256' }));
    const request: OcspRequestInfo = { certIds: [...goodRequest.certIds, ...second.certIds] };
    const parsed = parseOcspResponse(buildOcspResponse({ ca, request }), { issuer });
    expect(parsed.singleResponses!.map((single) => [single.serialNumber, single.status])).toEqual([
      [good.certificate.serialNumber, 'good'],
      [revoked.certificate.serialNumber, 'revoked'],
    ]);
  });

  it('rejects a delegated responder without id-kp-OCSPSigning', () => {
    const impostor = ca.issueOcspResponder({ subject: 'no ocsp eku', extendedKeyUsage: ['clientAuth'] });
    const parsed = parseOcspResponse(buildOcspResponse({ ca, request: goodRequest, signer: impostor }), { issuer });
    expect(parsed.signatureValid).toBe(false);
    expect(parsed.signatureProblem).toMatch(/OCSPSigning/);
  });

  it('rejects a responder the issuer did not certify (issued by the root instead)', () => {
    const sibling = root.issueOcspResponder({ subject: 'root responder' });
    const parsed = parseOcspResponse(buildOcspResponse({ ca, request: goodRequest, signer: sibling }), { issuer });
    expect(parsed.signatureValid).toBe(false);
    expect(parsed.signatureProblem).toMatch(/not issued by/);
  });

  it('rejects a delegated responder outside its validity at `at`', () => {
    const der = buildOcspResponse({ ca, request: goodRequest, signer: responder });
    const late = new Date(responder.certificate.notAfter.getTime() + 1000);
    const parsed = parseOcspResponse(der, { issuer, at: late });
    expect(parsed.signatureValid).toBe(false);
    expect(parsed.signatureProblem).toMatch(/not valid at/);
  });

  it('rejects a response signed by some other CA for this issuer', () => {
    const other = CertificateAuthority.createRoot({ subject: 'Other Root' });
    const parsed = parseOcspResponse(buildOcspResponse({ ca: other, request: goodRequest }), { issuer });
    expect(parsed.signatureValid).toBe(false);
    expect(parsed.signatureProblem).toMatch(/responderID/);
    expect(parsed.singleResponses![0]).toMatchObject({ status: 'unknown', issuerMatches: true });
  });

  it.each<[OcspErrorStatus, number]>([
    ['malformedRequest', 1],
    ['internalError', 2],
    ['tryLater', 3],
    ['sigRequired', 5],
    ['unauthorized', 6],
  ])('builds a bare %s response (status %i, no responseBytes)', (status, code) => {
    const der = buildOcspErrorResponse(status);
    expect(der.equals(Buffer.from([0x30, 0x03, 0x0a, 0x01, code]))).toBe(true);
    expect(parseOcspResponse(der, { issuer })).toEqual({ responseStatus: status });
  });

  it.each([
    ['random bytes', Buffer.from('<html>502 Bad Gateway</html>')],
    ['an unused status code', Buffer.from([0x30, 0x03, 0x0a, 0x01, 4])],
    ['successful without responseBytes', Buffer.from([0x30, 0x03, 0x0a, 0x01, 0])],
  ])('rejects %s with E_OCSP_MALFORMED_RESPONSE', (_name, der) => {
    expectPkiError(() => parseOcspResponse(der, { issuer }), 'E_OCSP_MALFORMED_RESPONSE');
  });
});
