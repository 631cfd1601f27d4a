import { isIP } from 'node:net';
import {
  boolean,
  implicitConstructed,
  implicitPrimitive,
  integer,
  namedBits,
  nullValue,
  octetString,
  oid,
  sequence,
  type Der,
} from './der.js';

/** One X.509 v3 extension: its OID, criticality and DER-encoded value (RFC 5280 4.1). */
export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Der;
}

export function encodeExtension(extension: Extension): Der {
  return extension.critical
    ? sequence(oid(extension.oid), boolean(true), octetString(extension.value))
    : sequence(oid(extension.oid), octetString(extension.value));
}

export const OIDS = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  ocspAccess: '1.3.6.1.5.5.7.48.1',
  caIssuersAccess: '1.3.6.1.5.5.7.48.2',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;

/** KeyUsage bit positions (RFC 5280 4.2.1.3). */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsage = keyof typeof KeyUsageBit;

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth' | 'ocspSigning';

/** RFC 5280 4.2.1.9; always critical, so OpenSSL refuses a leaf used as a CA. */
export function basicConstraints(isCa: boolean, pathLength?: number): Extension {
  const fields: Der[] = [];
  if (isCa) fields.push(boolean(true));
  if (isCa && pathLength !== undefined) fields.push(integer(pathLength));
  return { oid: OIDS.basicConstraints, critical: true, value: sequence(...fields) };
}

export function keyUsage(usages: readonly KeyUsage[]): Extension {
  return { oid: OIDS.keyUsage, critical: true, value: namedBits(usages.map((usage) => KeyUsageBit[usage])) };
}

export function extendedKeyUsage(usages: readonly ExtendedKeyUsage[]): Extension {
  return { oid: OIDS.extKeyUsage, critical: false, value: sequence(...usages.map((usage) => oid(OIDS[usage]))) };
}

/** The names a leaf is valid for. URIs carry SPIFFE IDs (spiffe://trust-domain/path). */
export interface SubjectAltNames {
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly uris?: readonly string[];
  readonly emails?: readonly string[];
}

function ipAddressBytes(address: string): Buffer {
  const family = isIP(address);
  if (family === 4) return Buffer.from(address.split('.').map(Number));
  if (family === 6) {
    const [head = '', tail = ''] = address.includes('::') ? address.split('::') : [address, ''];
    const headGroups = head ? head.split(':') : [];
    const tailGroups = tail ? tail.split(':') : [];
    const missing = 8 - headGroups.length - tailGroups.length;
    const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
    return Buffer.from(groups.flatMap((group) => {
      const value = parseInt(group, 16);
      return [value >> 8, value & 0xff];
    }));
  }
  throw new RangeError(`not an IP address: ${address}`);
}

/** GeneralName choices used here: rfc822Name [1], dNSName [2], URI [6], iPAddress [7]. */
function generalNames(names: SubjectAltNames): Der[] {
  return [
    ...(names.emails ?? []).map((email) => implicitPrimitive(1, Buffer.from(email, 'ascii'))),
    ...(names.dnsNames ?? []).map((dns) => implicitPrimitive(2, Buffer.from(dns, 'ascii'))),
    ...(names.uris ?? []).map((uri) => implicitPrimitive(6, Buffer.from(uri, 'ascii'))),
    ...(names.ipAddresses ?? []).map((ip) => implicitPrimitive(7, ipAddressBytes(ip))),
  ];
}

export function hasSubjectAltNames(names: SubjectAltNames): boolean {
  return generalNames(names).length > 0;
}

export function subjectAltName(names: SubjectAltNames): Extension {
  return { oid: OIDS.subjectAltName, critical: false, value: sequence(...generalNames(names)) };
}

export function subjectKeyIdentifier(keyId: Uint8Array): Extension {
  return { oid: OIDS.subjectKeyIdentifier, critical: false, value: octetString(keyId) };
}

export function authorityKeyIdentifier(keyId: Uint8Array): Extension {
  return { oid: OIDS.authorityKeyIdentifier, critical: false, value: sequence(implicitPrimitive(0, keyId)) };
}

/** Where relying parties find the OCSP responder and the issuer's certificate (RFC 5280 4.2.2.1). */
export function authorityInfoAccess(access: { ocspUrl?: string; caIssuersUrl?: string }): Extension {
  const descriptions: Der[] = [];
  if (access.ocspUrl) {
    descriptions.push(sequence(oid(OIDS.ocspAccess), implicitPrimitive(6, Buffer.from(access.ocspUrl, 'ascii'))));
  }
  if (access.caIssuersUrl) {
    descriptions.push(
      sequence(oid(OIDS.caIssuersAccess), implicitPrimitive(6, Buffer.from(access.caIssuersUrl, 'ascii'))),
    );
  }
  return { oid: OIDS.authorityInfoAccess, critical: false, value: sequence(...descriptions) };
}

/**
 * DistributionPoint { distributionPoint [0] DistributionPointName } where the name is the
 * CHOICE fullName [0] GeneralNames. A tagged CHOICE is always explicit (X.680 31.2.7), so the
 * outer [0] wraps the inner [0], which implicitly re-tags the GeneralNames SEQUENCE.
 */
export function crlDistributionPoints(urls: readonly string[]): Extension {
  const points = urls.map((url) => {
    const fullName = implicitConstructed(0, implicitPrimitive(6, Buffer.from(url, 'ascii')));
    return sequence(implicitConstructed(0, fullName));
  });
  return { oid: OIDS.crlDistributionPoints, critical: false, value: sequence(...points) };
}

/** id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1): a delegated responder's own status is not checked. */
export function ocspNoCheck(): Extension {
  return { oid: OIDS.ocspNoCheck, critical: false, value: nullValue() };
}
