import { issueCrl, type CertificateAuthority, type LabPki } from '../pki/index.js';

/**
 * The CAs whose CRLs the gateway's CRL file holds (lab.gateway.crl), shared by the faults that
 * reload it: a revocation re-issues every CRL, a CA rotation adds the new CAs', and neither
 * drops the other's. OpenSSL (Node, nginx, haproxy) checks CRLs for the whole path once any is
 * loaded (X509_V_FLAG_CRL_CHECK_ALL), so every CA of every path needs one: it is "unable to get
 * certificate CRL" (unknown_ca) otherwise.
 */
export class LabCrls {
  private readonly authorities: CertificateAuthority[];

  /** The lab's intermediate (for the leaves) and root (for the intermediate). */
  constructor(pki: LabPki) {
    this.authorities = [pki.intermediate, pki.root];
  }

  /** From the next pem() on, `ca`'s CRL is in the file too. */
  add(ca: CertificateAuthority): void {
    if (!this.authorities.includes(ca)) this.authorities.push(ca);
  }

  /** Fresh CRLs of every CA, from their current revocations: the file's content. */
  pem(): string {
    return this.authorities.map((ca) => issueCrl(ca).pem).join('');
  }
}
