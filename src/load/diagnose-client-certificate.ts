import type { X509Certificate } from 'node:crypto';
import type { ErrorCategory } from '../metrics/error-category.js';
import type { PreparedIdentity } from './client-identity.js';

/** What the client's own certificate says about a refusal the gateway did not explain. */
export interface Diagnosis {
  readonly category: Extract<ErrorCategory, 'cert_expired' | 'cert_not_yet_valid' | 'unknown_ca' | 'bad_certificate'>;
  /** One sentence a person can act on. */
  readonly reason: string;
}

/** What a server-side reason hook is told about the attempt it should explain. */
export interface AttemptContext {
  readonly identity: string;
  /** Wall-clock start and end of the attempt, to match against a gateway's log lines. */
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly scheduledAtMs: number;
  readonly httpStatus?: number;
  readonly rawCode: string;
}

/**
 * Supplies the gateway's own reason for a refusal, e.g. from nginx's error log
 * (`client SSL certificate verify error: (10:certificate has expired)`). When the lab runs the
 * gateway it knows better than any client-side guess, so its answer wins.
 */
export type ServerReasonHook = (context: AttemptContext) => Promise<ErrorCategory | undefined>;

const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';

interface StaticVerdict {
  /** The certificates from the leaf up to and including the trust anchor; undefined when no path. */
  readonly path: readonly X509Certificate[] | undefined;
  readonly hasClientAuth: boolean;
}

/**
 * Diagnoses the client's own certificate when the gateway refused it without saying why (nginx
 * answers 400 "The SSL certificate error" for every reason). It checks what a gateway checks,
 * in the order OpenSSL reports it: validity dates along the path, a path to the gateway's CA
 * bundle, and the clientAuth extended key usage. Path and key usage are worked out once per
 * identity; only the dates are compared per call, because certificates expire during a run.
 */
export class ClientCertificateDiagnoser {
  private readonly verdicts = new Map<PreparedIdentity, StaticVerdict>();

  /**
   * @param trustAnchors the CA bundle the gateway trusts for client certificates; without it
   *   the path is not checked (a client cannot know what the gateway trusts).
   */
  constructor(private readonly trustAnchors: readonly X509Certificate[] | undefined) {}

  diagnose(identity: PreparedIdentity, at: Date = new Date()): Diagnosis | undefined {
    const [leaf] = identity.certificates;
    if (!leaf) return undefined;
    const verdict = this.verdictFor(identity);
    const certificates = verdict.path ?? [leaf];
    for (const certificate of certificates) {
      const notBefore = new Date(certificate.validFrom);
      const notAfter = new Date(certificate.validTo);
      const which = certificate === leaf ? 'the client certificate' : `its issuer ${oneLine(certificate.subject)}`;
      if (notBefore > at) {
        return { category: 'cert_not_yet_valid', reason: `${which} is not valid before ${notBefore.toISOString()}` };
      }
      if (notAfter < at) {
        return { category: 'cert_expired', reason: `${which} expired at ${notAfter.toISOString()}` };
      }
    }
    if (this.trustAnchors && !verdict.path) {
      return {
        category: 'unknown_ca',
        reason: `the client certificate ${oneLine(leaf.subject)} (issuer ${oneLine(leaf.issuer)}) does not chain to the client CA bundle`,
      };
    }
    if (!verdict.hasClientAuth) {
      return { category: 'bad_certificate', reason: 'the client certificate has no clientAuth extended key usage' };
    }
    return undefined;
  }

  private verdictFor(identity: PreparedIdentity): StaticVerdict {
    let verdict = this.verdicts.get(identity);
    if (!verdict) {
      const [leaf, ...intermediates] = identity.certificates;
      // Node's X509Certificate.keyUsage is the *extended* key usage list; undefined when absent (any use).
      const eku = leaf?.keyUsage;
      verdict = {
        path: leaf && this.trustAnchors ? buildPath(leaf, intermediates, this.trustAnchors) : undefined,
        hasClientAuth: eku === undefined || eku.includes(CLIENT_AUTH_EKU) || eku.includes(ANY_EKU),
      };
      this.verdicts.set(identity, verdict);
    }
    return verdict;
  }
}

const MAX_PATH_LENGTH = 8;

function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  return child.checkIssued(issuer) && child.verify(issuer.publicKey);
}

/** Leaf -> intermediates the client sent -> an anchor of the bundle, or undefined if there is none. */
function buildPath(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
): X509Certificate[] | undefined {
  const path = [leaf];
  let current = leaf;
  for (let depth = 0; depth < MAX_PATH_LENGTH; depth += 1) {
    const anchor = anchors.find((candidate) => issuedBy(current, candidate));
    if (anchor) return anchor === current ? path : [...path, anchor];
    const next = intermediates.find((candidate) => !path.includes(candidate) && issuedBy(current, candidate));
    if (!next) return undefined;
    path.push(next);
    current = next;
  }
  return undefined;
}

function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}
