import { oid, printableString, sequence, setOf, utf8String, type Der } from './der.js';

/** The subject or issuer of a certificate, as the lab uses them (one value per attribute). */
export interface DistinguishedName {
  readonly commonName: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  /** Two-letter ISO 3166 code. */
  readonly country?: string;
}

const ATTRIBUTE_OIDS = {
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
} as const;

/** Accepts a bare common name for the common case. */
export function toDistinguishedName(name: string | DistinguishedName): DistinguishedName {
  return typeof name === 'string' ? { commonName: name } : name;
}

/** Encodes the Name in the conventional order C, O, OU, CN; country as PrintableString (RFC 5280 A.1). */
export function encodeName(name: DistinguishedName): Der {
  const rdns: Der[] = [];
  const add = (attributeOid: string, value: Der) => rdns.push(setOf(sequence(oid(attributeOid), value)));
  if (name.country) add(ATTRIBUTE_OIDS.country, printableString(name.country));
  if (name.organization) add(ATTRIBUTE_OIDS.organization, utf8String(name.organization));
  if (name.organizationalUnit) add(ATTRIBUTE_OIDS.organizationalUnit, utf8String(name.organizationalUnit));
  add(ATTRIBUTE_OIDS.commonName, utf8String(name.commonName));
  return sequence(...rdns);
}

/** One line, OpenSSL's `-nameopt oneline` style, for READMEs, logs and reports. */
export function formatName(name: DistinguishedName): string {
  const parts: string[] = [];
  if (name.country) parts.push(`C=${name.country}`);
  if (name.organization) parts.push(`O=${name.organization}`);
  if (name.organizationalUnit) parts.push(`OU=${name.organizationalUnit}`);
  parts.push(`CN=${name.commonName}`);
  return parts.join(', ');
}
