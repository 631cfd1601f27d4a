import { describe, expect, it } from 'vitest';
import { indexEntriesOf, opensslIndex, opensslIndexLine, opensslIndexSubject, opensslIndexTime } from '../../../../src/lab/components/openssl-ocsp-index.js';
import { opensslValidityMinutes } from '../../../../src/lab/components/openssl-ocsp-responder.js';
import { CertificateAuthority } from '../../../../src/pki/index.js';

const notAfter = new Date('2026-11-27T08:09:10.999Z');
const revokedAt = new Date('2026-11-25T21:30:05.000Z');

describe('index.txt for openssl ocsp -index (the OpenSSL CA database)', () => {
  it('writes times as UTCTime YYMMDDHHMMSSZ until 2049 and GeneralizedTime from 2050, as openssl ca does', () => {
    expect(opensslIndexTime(notAfter)).toBe('261127080910Z');
    expect(opensslIndexTime(new Date('2049-12-31T23:59:59Z'))).toBe('491231235959Z');
    expect(opensslIndexTime(new Date('2050-01-01T00:00:00Z'))).toBe('20500101000000Z');
  });

  it('writes a valid row: V, expiry, empty revocation date, upper-case even-length serial, unknown file, /-separated subject', () => {
    const line = opensslIndexLine({ serialNumber: 'a1b', notAfter, subject: { commonName: 'client-1', organization: 'mtls-chaos lab', country: 'DE' } });
    expect(line.split('\t')).toEqual(['V', '261127080910Z', '', '0A1B', 'unknown', '/C=DE/O=mtls-chaos lab/CN=client-1']);
  });

  it('writes a revoked row: R and the revocation date with OpenSSL\'s name of the reason', () => {
    const row = (reason: 'keyCompromise' | 'cACompromise' | 'unspecified' | 'privilegeWithdrawn') =>
      opensslIndexLine({ serialNumber: '0A1B', notAfter, subject: { commonName: 'client-1' }, revocation: { revokedAt, reason } }).split('\t');
    expect(row('keyCompromise')).toEqual(['R', '261127080910Z', '261125213005Z,keyCompromise', '0A1B', 'unknown', '/CN=client-1']);
    expect(row('cACompromise')[2]).toBe('261125213005Z,CACompromise');
    // No reason for unspecified, nor for reasons openssl ca has no name for (it would refuse the row).
    expect(row('unspecified')[2]).toBe('261125213005Z');
    expect(row('privilegeWithdrawn')[2]).toBe('261125213005Z');
  });

  it('never writes E for an expired certificate: openssl ocsp gives no answer at all for such a row', () => {
    const line = opensslIndexLine({ serialNumber: '01', notAfter: new Date('2020-01-01T00:00:00Z'), subject: { commonName: 'old' } });
    expect(line.startsWith('V\t200101000000Z\t')).toBe(true);
  });

  it('escapes a / inside a subject value', () => {
    expect(opensslIndexSubject({ commonName: 'a/b' })).toBe('/CN=a\\/b');
  });

  it('makes one row per certificate of a CA, revoked ones as R, and ends every row with a newline', () => {
    const root = CertificateAuthority.createRoot({ subject: 'Root' });
    const first = root.issueClient({ subject: 'client-1' });
    const second = root.issueClient({ subject: 'client-2' });
    const revocations = new Map([[second.certificate.serialNumber, { revokedAt, reason: 'superseded' as const }]]);
    const text = opensslIndex(indexEntriesOf(root.issuedCertificates(), revocations));
    const rows = text.split('\n');
    expect(rows.pop()).toBe('');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(new RegExp(`^V\\t\\d{12}Z\\t\\t0?${first.certificate.serialNumber}\\tunknown\\t/CN=client-1$`));
    expect(rows[1]).toMatch(new RegExp(`^R\\t\\d{12}Z\\t261125213005Z,superseded\\t0?${second.certificate.serialNumber}\\tunknown\\t/CN=client-2$`));
    // A revocation that takes effect later is not in force yet.
    const later = new Map([[first.certificate.serialNumber, { revokedAt: new Date(Date.now() + 60_000), reason: 'keyCompromise' as const }]]);
    expect(indexEntriesOf(root.issuedCertificates(), later)[0]!.revocation).toBeUndefined();
  });

  it('maps the responder validity to -nmin: whole minutes, at least one, 60 by default', () => {
    expect(opensslValidityMinutes()).toBe(60);
    expect(opensslValidityMinutes(120_000)).toBe(2);
    expect(opensslValidityMinutes(1_000)).toBe(1);
  });
});
