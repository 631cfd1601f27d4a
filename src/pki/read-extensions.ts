import * as pkijs from 'pkijs';
import type { Certificate } from './certificate.js';
import { OIDS } from './extensions.js';

/** The extensions of a certificate we did not issue, as pkijs parses them; [] when it cannot. */
function extensionsOf(certificate: Certificate): pkijs.Extension[] {
  try {
    return pkijs.Certificate.fromBER(certificate.der).extensions ?? [];
  } catch {
    return [];
  }
}

/** The http(s) URLs of a certificate's CRL distribution points (RFC 5280 4.2.1.13), in order. */
export function crlDistributionPointsOf(certificate: Certificate): string[] {
  const extension = extensionsOf(certificate).find((candidate) => candidate.extnID === OIDS.crlDistributionPoints);
  const points = extension?.parsedValue instanceof pkijs.CRLDistributionPoints ? extension.parsedValue.distributionPoints : [];
  const urls: string[] = [];
  for (const point of points) {
    const names = Array.isArray(point.distributionPoint) ? point.distributionPoint : [];
    // GeneralName type 6: uniformResourceIdentifier.
    for (const name of names) if (name.type === 6 && typeof name.value === 'string' && /^https?:\/\//i.test(name.value)) urls.push(name.value);
  }
  return urls;
}

/** The keyIdentifier of a certificate's authority key identifier (RFC 5280 4.2.1.1), if it has one. */
export function authorityKeyIdOf(certificate: Certificate): Buffer | undefined {
  const extension = extensionsOf(certificate).find((candidate) => candidate.extnID === OIDS.authorityKeyIdentifier);
  const value = extension?.parsedValue instanceof pkijs.AuthorityKeyIdentifier ? extension.parsedValue.keyIdentifier : undefined;
  return value ? Buffer.from(value.valueBlock.valueHexView) : undefined;
}
