import { PkiError } from '../errors.js';
import type { Certificate } from './certificate.js';

/**
 * A PEM trust bundle: the CA certificates a peer trusts, each once, in the given order. During a
 * CA rotation the overlap bundle is old + new, so peers accept both generations until every leaf
 * is re-issued; duplicates are dropped by DER, so passing a CA twice (old root also listed as a
 * chain member, say) cannot change what the bundle means.
 */
export function trustBundlePem(certificates: readonly Certificate[]): string {
  const seen = new Set<string>();
  let pem = '';
  for (const certificate of certificates) {
    const key = certificate.der.toString('base64');
    if (seen.has(key)) continue;
    seen.add(key);
    pem += certificate.pem;
  }
  return pem;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;

/**
 * The DER of every CERTIFICATE block in a PEM bundle, in order. Other blocks (keys, CRLs) and
 * text between blocks, such as the subject lines some bundles carry, are skipped.
 */
export function splitPemBundle(pem: string): Buffer[] {
  return [...pem.matchAll(CERTIFICATE_BLOCK)].map((match, index) => {
    const base64 = (match[1] ?? '').replace(/\s+/g, '');
    // Buffer.from skips characters that are not base64, so check the shape before decoding.
    const der = /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
    if (der[0] !== 0x30) {
      throw new PkiError('E_PKI_PEM', `certificate ${index + 1} of the PEM bundle is not base64 DER`, {
        hint: 'check the bundle for truncated or hand-edited CERTIFICATE blocks',
      });
    }
    return der;
  });
}
