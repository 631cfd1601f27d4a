import { INPUT_BOUNDS, readBoundedText } from '../bounded-file.js';
import { CertificateAuthority } from './certificate-authority.js';

/** The files of `pki.issuer` (absolute once the scenario is loaded). */
export interface PkiIssuerFiles {
  readonly certificate: string;
  readonly key: string;
}

/** Reads a team's issuing CA (pki.issuer) from its PEM files; E_PKI_ISSUER naming the file when it is not usable. */
export async function readPkiIssuer(files: PkiIssuerFiles, urls: { readonly ocspUrl?: string } = {}): Promise<CertificateAuthority> {
  const read = (file: string, what: string) =>
    readBoundedText(file, { code: 'E_PKI_ISSUER', what, hint: 'pki.issuer: { certificate, key }, PEM files beside the scenario', maxBytes: INPUT_BOUNDS.flagFileBytes });
  const [certificatePem, keyPem] = await Promise.all([read(files.certificate, 'a PEM CA certificate'), read(files.key, 'a PEM private key')]);
  return CertificateAuthority.fromPem(certificatePem, keyPem, files, urls);
}
