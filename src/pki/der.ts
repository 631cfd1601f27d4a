/**
 * A minimal DER writer (X.690) for the structures this package issues: certificates and their
 * extensions. Why not @peculiar/x509 or pkijs for issuance: their generic ASN.1 layer caps
 * issuance near 200-300 leaves/s per process on our machines, and fleet drills need thousands.
 * Writing definite-length DER for a fixed set of types is small, and every structure it produces
 * is checked against OpenSSL in test/integration.
 */

export type Der = Buffer;

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A TLV with the given identifier octet. */
export function tlv(tag: number, content: Uint8Array): Der {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

export const sequence = (...items: Der[]): Der => tlv(0x30, Buffer.concat(items));

/** SET OF, with elements sorted as DER requires (X.690 11.6). */
export const setOf = (...items: Der[]): Der => tlv(0x31, Buffer.concat([...items].sort(Buffer.compare)));

export const nullValue = (): Der => Buffer.from([0x05, 0x00]);

export const boolean = (value: boolean): Der => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));

/** INTEGER from a non-negative bigint or unsigned big-endian bytes (a leading 0 keeps it positive). */
export function integer(value: bigint | number | Uint8Array): Der {
  let bytes: Buffer;
  if (typeof value === 'bigint' || typeof value === 'number') {
    const big = BigInt(value);
    if (big < 0n) throw new RangeError('negative INTEGER is not used in certificates');
    let hex = big.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    bytes = Buffer.from(hex, 'hex');
  } else {
    bytes = Buffer.from(value);
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && (bytes[start + 1] ?? 0) < 0x80) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if ((bytes[0] ?? 0) >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

const oidCache = new Map<string, Der>();

export function oid(dotted: string): Der {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split('.').map((arc) => Number(arc));
  const [first = 0, second = 0, ...rest] = arcs;
  const body: number[] = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
      chunk.unshift((value & 0x7f) | 0x80);
    }
    body.push(...chunk);
  }
  const encoded = tlv(0x06, Buffer.from(body));
  oidCache.set(dotted, encoded);
  return encoded;
}

export const octetString = (content: Uint8Array): Der => tlv(0x04, content);

/** BIT STRING with no unused bits (keys, signatures). */
export const bitString = (content: Uint8Array): Der => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));

/**
 * A named-bit BIT STRING such as KeyUsage: DER drops trailing zero bits (X.690 11.2.2),
 * which OpenSSL checks.
 */
export function namedBits(bitsSet: readonly number[]): Der {
  if (bitsSet.length === 0) return tlv(0x03, Buffer.from([0]));
  const highest = Math.max(...bitsSet);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bitsSet) bytes[Math.floor(bit / 8)]! |= 0x80 >> bit % 8;
  const unused = 7 - (highest % 8);
  return tlv(0x03, Buffer.concat([Buffer.from([unused]), bytes]));
}

export const utf8String = (text: string): Der => tlv(0x0c, Buffer.from(text, 'utf8'));
export const printableString = (text: string): Der => tlv(0x13, Buffer.from(text, 'ascii'));
export const ia5String = (text: string): Der => tlv(0x16, Buffer.from(text, 'ascii'));

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, always in Zulu with
 * seconds and no fractions. Dates before 1950 cannot be expressed in UTCTime either.
 */
export function time(date: Date): Der {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date in certificate');
  const year = date.getUTCFullYear();
  const rest =
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds()) +
    'Z';
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(pad(year % 100) + rest, 'ascii'));
  return tlv(0x18, Buffer.from(pad(year, 4) + rest, 'ascii'));
}

/** [n] EXPLICIT: a constructed context-specific wrapper around one encoded value. */
export const explicit = (tagNumber: number, inner: Der): Der => tlv(0xa0 | tagNumber, inner);

/** [n] IMPLICIT primitive: replaces the tag of a primitive value (GeneralName's dNSName, URI...). */
export const implicitPrimitive = (tagNumber: number, content: Uint8Array): Der => tlv(0x80 | tagNumber, content);

/** [n] IMPLICIT constructed: replaces the tag of a SEQUENCE (DistributionPointName's fullName...). */
export const implicitConstructed = (tagNumber: number, content: Uint8Array): Der => tlv(0xa0 | tagNumber, content);

/** The content octets of a TLV (used to re-tag a SEQUENCE implicitly). */
export function contentOf(encoded: Der): Buffer {
  const first = encoded[1] ?? 0;
  const headerLength = first < 0x80 ? 2 : 2 + (first & 0x7f);
  return encoded.subarray(headerLength);
}

/** Wraps DER in PEM armour with 64-column lines (RFC 7468). */
export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Reads the first PEM block with the given label back to DER. */
export function fromPem(label: string, pem: string): Buffer {
  const match = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(pem);
  if (!match?.[1]) throw new Error(`no PEM block labelled ${label}`);
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}
