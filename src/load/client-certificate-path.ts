import type { X509Certificate } from 'node:crypto';

/** How far a client certificate chains: up to an anchor of the bundle, or as far as it goes. */
export interface ClientPath {
  /** From the leaf up; ends with the anchor when there is one, else with the last certificate found. */
  readonly certificates: readonly X509Certificate[];
  /** The certificate of the bundle the path ends at; undefined when it reaches none. */
  readonly anchor: X509Certificate | undefined;
}

const MAX_PATH_LENGTH = 8;

/** Whether `issuer` issued `child`: its name and its signature, not just the name. */
export function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  return child.checkIssued(issuer) && child.verify(issuer.publicKey);
}

/** The certificate among `candidates` that issued `child`, if any. */
export function issuerAmong(child: X509Certificate, candidates: readonly X509Certificate[]): X509Certificate | undefined {
  return candidates.find((candidate) => candidate !== child && issuedBy(child, candidate));
}

/**
 * Leaf -> the intermediates the client sends -> a certificate of the bundle the gateway trusts,
 * as OpenSSL builds it: a gateway has only what the client sends and what it trusts (a bundle
 * may hold intermediates too; the first of its certificates reached ends the path).
 */
export function buildClientPath(leaf: X509Certificate, sent: readonly X509Certificate[], anchors: readonly X509Certificate[]): ClientPath {
  const certificates = [leaf];
  let current = leaf;
  for (let depth = 0; depth < MAX_PATH_LENGTH; depth += 1) {
    if (anchors.some((anchor) => anchor.raw.equals(current.raw))) return { certificates, anchor: current };
    const anchor = issuerAmong(current, anchors);
    if (anchor) return { certificates: [...certificates, anchor], anchor };
    const next = sent.find((candidate) => !certificates.includes(candidate) && issuedBy(current, candidate));
    if (!next) break;
    certificates.push(next);
    current = next;
  }
  return { certificates, anchor: undefined };
}
