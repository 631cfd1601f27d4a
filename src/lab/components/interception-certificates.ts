import { CertificateAuthority, type KeyAlgorithm } from '../../pki/index.js';

/** The interception CA and the one server certificate it issued for the gateway's name. */
export interface InterceptionCertificates {
  readonly ca: CertificateAuthority;
  readonly leaf: { readonly chainPem: string; readonly keyPem: string };
}

/**
 * A CA of the interceptor's own, separate from the lab's: a root that issued one server
 * certificate for the gateway's name, sent alone (like most inspection proxies), so a client that
 * trusts only the lab root cannot build a path. The same for every interceptor kind, so that the
 * interception drills' expectations hold whichever one runs.
 */
export function issueInterceptionCertificates(servername: string, algorithm: KeyAlgorithm = 'ecdsa-p256'): InterceptionCertificates {
  const ca = CertificateAuthority.createRoot({ subject: { commonName: 'mtls-chaos Interception CA', organization: 'mtls-chaos interceptor' }, algorithm });
  const leaf = ca.issueServer({
    subject: { commonName: servername },
    dnsNames: [servername],
    ipAddresses: ['127.0.0.1'],
  });
  return { ca, leaf };
}
