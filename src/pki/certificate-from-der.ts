import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { Certificate, keyIdentifierOf } from './certificate.js';
import type { DistinguishedName } from './distinguished-name.js';
import { keyAlgorithmOf } from './key-algorithm.js';
import { normaliseSerial } from './revocation.js';

/**
 * Rebuilds the pki `Certificate` view of a certificate we did not issue in this process: a
 * client's leaf and intermediate as a gateway receives them, or the CA certificate a responder
 * process reads from a file. The OCSP request and response code takes this type.
 */
export function certificateFromDer(der: Buffer): Certificate {
  const x509 = new X509Certificate(der);
  const tbs = (asn1js.fromBER(der).result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  // TBSCertificate: [0] version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, ...
  const fields = tbs.valueBlock.value;
  const offset = fields[0]?.idBlock.tagClass === 3 ? 1 : 0;
  const original = (index: number) => Buffer.from(fields[offset + index]!.valueBeforeDecodeView);
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
  return new Certificate(
    Buffer.from(der),
    normaliseSerial(x509.serialNumber),
    parseSubject(x509.subject),
    original(4),
    original(2),
    new Date(x509.validFrom),
    new Date(x509.validTo),
    keyIdentifierOf(spki),
    x509.ca,
    keyAlgorithmOf(x509.publicKey),
  );
}

export function certificateFromPem(pem: string): Certificate {
  return certificateFromDer(new X509Certificate(pem).raw);
}


/** Node prints a subject as "C=..\nO=..\nCN=.."; keep the attributes the lab uses. */
function parseSubject(text: string): DistinguishedName {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) values.set(line.slice(0, equals), line.slice(equals + 1));
  }
  const country = values.get('C');
  const organization = values.get('O');
  const organizationalUnit = values.get('OU');
  return {
    commonName: values.get('CN') ?? '',
    ...(organization ? { organization } : {}),
    ...(organizationalUnit ? { organizationalUnit } : {}),
    ...(country ? { country } : {}),
  };
}
