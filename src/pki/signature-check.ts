import { verify, type KeyObject } from 'node:crypto';

/** Digests of the signature algorithms our CAs and OpenSSL use (RFC 5758, RFC 4055, RFC 8410); null for Ed25519. */
const SIGNATURE_DIGESTS: Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512' | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

/**
 * Whether `signature` over `tbs` (the DER a signed structure covers: an OCSP ResponseData, a
 * TBSCertList) was made with `publicKey` under the algorithm `algorithmOid`: a problem sentence,
 * or undefined when it verifies. OCSP responses and CRLs carry the same AlgorithmIdentifier and
 * BIT STRING shape (RFC 6960 4.2.1, RFC 5280 5.1.1), so one check serves both.
 */
export function signatureProblem(tbs: Uint8Array, signature: Buffer, algorithmOid: string, publicKey: KeyObject): string | undefined {
  const digest = SIGNATURE_DIGESTS[algorithmOid];
  if (digest === undefined) return `unsupported signature algorithm ${algorithmOid}`;
  try {
    if (verify(digest, tbs, publicKey, signature)) return undefined;
  } catch {
    // A key that does not fit the algorithm (an RSA key and an ECDSA OID) is just a bad signature.
  }
  return 'bad signature';
}
