import { describe, expect, it } from 'vitest';
import { fromPem, integer, namedBits, oid, time, toPem } from '../../../src/pki/der.js';

const hex = (buffer: Buffer) => buffer.toString('hex');

describe('DER writer', () => {
  it('encodes INTEGERs minimally and keeps them positive', () => {
    expect(hex(integer(0))).toBe('020100');
    expect(hex(integer(127))).toBe('02017f');
    expect(hex(integer(128))).toBe('02020080');
    expect(hex(integer(Buffer.from([0, 0, 0x7f])))).toBe('02017f');
    expect(hex(integer(2n ** 64n))).toBe('0209010000000000000000');
  });

  it('encodes OIDs with multi-byte arcs', () => {
    expect(hex(oid('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
    expect(hex(oid('2.5.29.19'))).toBe('0603551d13');
  });

  it('drops trailing zero bits of named-bit strings (KeyUsage)', () => {
    // digitalSignature only: one bit used, seven unused.
    expect(hex(namedBits([0]))).toBe('03020780');
    // digitalSignature, keyCertSign, cRLSign: bits 0, 5, 6 -> 0x86 with one unused bit.
    expect(hex(namedBits([0, 5, 6]))).toBe('03020186');
  });

  it('uses UTCTime before 2050 and GeneralizedTime from 2050 (RFC 5280 4.1.2.5)', () => {
    expect(time(new Date('2049-12-31T23:59:59Z')).subarray(2).toString()).toBe('491231235959Z');
    expect(time(new Date('2049-12-31T23:59:59Z'))[0]).toBe(0x17);
    expect(time(new Date('2050-01-01T00:00:00Z')).subarray(2).toString()).toBe('20500101000000Z');
    expect(time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
    expect(() => time(new Date('nope'))).toThrow(RangeError);
  });

  it('round-trips PEM', () => {
    const der = Buffer.from(Array.from({ length: 200 }, (_, index) => index));
    const pem = toPem('CERTIFICATE', der);
    expect(pem.split('\n').every((line) => line.length <= 64)).toBe(true);
    expect(fromPem('CERTIFICATE', pem)).toEqual(der);
  });
});
