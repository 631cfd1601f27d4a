import { createHmac, randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import { splitPemBundle } from '../pki/index.js';

/**
 * The client identity a TLS terminator forwards to a plain-HTTP backend, the way nginx's
 * `proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert` does: the URL-encoded PEM of the
 * client's certificate (leaf first, then the intermediates it sent), plus an HMAC-SHA256 of that
 * exact header value under a secret shared by the terminator and the backend only. Without the
 * signature anyone who can reach the backend could claim any identity by sending the header.
 */
export const CLIENT_CERT_HEADER = 'x-ssl-client-cert';
export const CLIENT_CERT_SIGNATURE_HEADER = 'x-ssl-client-cert-signature';

/** 32 random bytes, hex: the per-run secret (written 0600 in the run's PKI folder). */
export function newIdentitySecret(): string {
  return randomBytes(32).toString('hex');
}

function hmac(value: string, secret: string): string {
  return createHmac('sha256', secret).update(value, 'utf8').digest('hex');
}

/** The two headers that forward `chainPem` (leaf first), signed with `secret`. */
export function signedIdentityHeaders(chainPem: string, secret: string): Record<string, string> {
  const value = encodeURIComponent(chainPem);
  return { [CLIENT_CERT_HEADER]: value, [CLIENT_CERT_SIGNATURE_HEADER]: hmac(value, secret) };
}

export type ForwardedIdentityVerdict =
  | { readonly ok: true; readonly leaf: X509Certificate }
  | { readonly ok: false; readonly category: 'certificate_required' | 'forbidden'; readonly detail: string };

type HeaderValue = string | string[] | undefined;

/**
 * What a backend makes of a forwarded identity: no header, certificate_required (nothing was
 * forwarded); a header without a valid signature, or whose certificate does not chain to
 * `trustBundlePem` or is out of its validity period, forbidden (an identity it cannot believe);
 * else the leaf.
 */
export function verifyForwardedIdentity(
  headers: { readonly [name: string]: HeaderValue },
  secret: string,
  trustBundlePem: string,
  nowMs: number = Date.now(),
): ForwardedIdentityVerdict {
  const value = single(headers[CLIENT_CERT_HEADER]);
  if (value === undefined || value === '') return { ok: false, category: 'certificate_required', detail: `no ${CLIENT_CERT_HEADER} header was forwarded` };
  const signature = single(headers[CLIENT_CERT_SIGNATURE_HEADER]);
  if (!signature) return { ok: false, category: 'forbidden', detail: `${CLIENT_CERT_HEADER} is not signed` };
  const expected = Buffer.from(hmac(value, secret), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, category: 'forbidden', detail: `bad ${CLIENT_CERT_SIGNATURE_HEADER}` };
  }
  let chain: X509Certificate[];
  try {
    chain = splitPemBundle(decodeURIComponent(value)).map((pem) => new X509Certificate(pem));
  } catch (error) {
    return { ok: false, category: 'forbidden', detail: `unreadable ${CLIENT_CERT_HEADER}: ${(error as Error).message}` };
  }
  const [leaf] = chain;
  if (!leaf) return { ok: false, category: 'forbidden', detail: `no certificate in ${CLIENT_CERT_HEADER}` };
  const problem = chainProblem(chain, splitPemBundle(trustBundlePem).map((pem) => new X509Certificate(pem)), nowMs);
  if (problem) return { ok: false, category: 'forbidden', detail: problem };
  return { ok: true, leaf };
}

function single(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}

/**
 * Why `chain` (leaf first) does not lead to one of `anchors`, or undefined: each certificate must
 * be signed by the next one (or by an anchor, where the walk ends) and be valid at `nowMs`; only
 * CAs may issue. The signature has already been checked, so this guards against a terminator
 * misconfigured with a different trust store rather than against forgery.
 */
function chainProblem(chain: readonly X509Certificate[], anchors: readonly X509Certificate[], nowMs: number): string | undefined {
  for (let index = 0; index < chain.length; index++) {
    const certificate = chain[index]!;
    if (nowMs < Date.parse(certificate.validFrom) || nowMs > Date.parse(certificate.validTo)) {
      return `certificate ${index} (${certificate.subject.replace(/\n/g, ',')}) is outside its validity period`;
    }
    const anchor = anchors.find((candidate) => certificate.checkIssued(candidate) && certificate.verify(candidate.publicKey));
    if (anchor) return undefined;
    const issuer = chain[index + 1];
    if (!issuer || !issuer.ca || !certificate.checkIssued(issuer) || !certificate.verify(issuer.publicKey)) {
      return `certificate ${index} (${certificate.subject.replace(/\n/g, ',')}) does not chain to the trust bundle`;
    }
  }
  return 'the forwarded chain does not reach the trust bundle';
}
