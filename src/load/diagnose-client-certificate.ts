import type { X509Certificate } from 'node:crypto';
import type { ErrorCategory } from '../metrics/error-category.js';
import { certificateFromDer, type Certificate } from '../pki/index.js';
import { buildClientPath, issuerAmong, type ClientPath } from './client-certificate-path.js';
import type { PreparedIdentity } from './client-identity.js';
import { RevocationLookup } from './revocation-lookup.js';

/** What the client's own certificate says about a refusal the gateway did not explain. */
export interface Diagnosis {
  readonly category: Extract<ErrorCategory, 'cert_expired' | 'cert_not_yet_valid' | 'unknown_ca' | 'cert_revoked' | 'bad_certificate'>;
  /** One sentence a person can act on: the evidence, or what was and was not checked. */
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

export interface DiagnoserOptions {
  /**
   * The CA bundle the gateway trusts for client certificates, as the user stated it (--client-ca).
   * Without it the path is not judged: the bundle that verifies the *server* says nothing about
   * what the gateway trusts for clients.
   */
  readonly clientCaAnchors?: readonly X509Certificate[];
  /**
   * Certificates that may be a leaf's issuer (the server-verification bundle): used only to ask
   * the leaf's OCSP responder or read its CRL, which need the issuer's key, never as trust.
   */
  readonly issuerCandidates?: readonly X509Certificate[];
  readonly revocation?: RevocationLookup;
}

const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';

interface StaticVerdict {
  /** The certificates whose dates the gateway certainly judges: the leaf, what it sends, and the path to --client-ca. */
  readonly dated: readonly X509Certificate[];
  readonly path: ClientPath | undefined;
  readonly hasClientAuth: boolean;
  /** The leaf's issuer, wherever it was found: for revocation look-ups only. */
  readonly issuer: X509Certificate | undefined;
  readonly ocspUrls: readonly string[];
  /** The pki views an OCSP request and a CRL check take, built once. */
  readonly leafForRevocation: Certificate | undefined;
  readonly issuerForRevocation: Certificate | undefined;
}

/**
 * Diagnoses the client's own certificate when the gateway refused it without saying why (nginx
 * answers 400 "The SSL certificate error" for every reason). A cause is named only on evidence
 * the client holds itself, checked in the order OpenSSL reports it: validity dates along the
 * path it can see, a path to the --client-ca bundle when one was given, the clientAuth extended
 * key usage, an OCSP or CRL answer fetched from the certificate's own AIA or distribution point.
 * Without evidence the refusal stays bad_certificate and the reason lists what was and was not
 * checked: a confident wrong cause (unknown CA during an OCSP outage) sends on-call the wrong way.
 * Path and key usage are worked out once per identity; dates are compared per call, because
 * certificates expire during a run.
 */
export class ClientCertificateDiagnoser {
  private readonly verdicts = new Map<PreparedIdentity, StaticVerdict>();
  private readonly revocation: RevocationLookup;

  constructor(private readonly options: DiagnoserOptions = {}) {
    this.revocation = options.revocation ?? new RevocationLookup();
  }

  /**
   * What the certificates alone prove (dates, path, key usage), without asking anyone: for a
   * refusal that names its own category (an alert) and for the probe's explanation.
   */
  diagnoseStatically(identity: PreparedIdentity, at: Date = new Date()): Diagnosis | undefined {
    const [leaf] = identity.certificates;
    if (!leaf) return undefined;
    const verdict = this.verdictFor(identity);
    for (const certificate of verdict.dated) {
      const notBefore = new Date(certificate.validFrom);
      const notAfter = new Date(certificate.validTo);
      const which = certificate === leaf ? 'the client certificate' : `its issuer ${oneLine(certificate.subject)}`;
      if (notBefore > at) return { category: 'cert_not_yet_valid', reason: `${which} is not valid before ${notBefore.toISOString()}` };
      if (notAfter < at) return { category: 'cert_expired', reason: `${which} expired at ${notAfter.toISOString()}` };
    }
    if (verdict.path && !verdict.path.anchor) {
      return {
        category: 'unknown_ca',
        reason: `${describeTop(verdict.path)}, and neither the client sends its issuer nor is it in the --client-ca bundle: the gateway cannot build a path to a CA it trusts`,
      };
    }
    if (!verdict.hasClientAuth) return { category: 'bad_certificate', reason: 'the client certificate has no clientAuth extended key usage' };
    return undefined;
  }

  /**
   * The full diagnosis of a refusal the gateway gave no reason for: the static evidence, then
   * the certificate's own revocation services (bounded by the RevocationLookup), then an honest
   * bad_certificate. Undefined only for an identity that sends no certificate.
   */
  async diagnose(identity: PreparedIdentity, at: Date = new Date()): Promise<Diagnosis | undefined> {
    const [leaf] = identity.certificates;
    if (!leaf) return undefined;
    const evidence = this.diagnoseStatically(identity, at);
    if (evidence) return evidence;
    const verdict = this.verdictFor(identity);
    // Keyed by the certificate, not the identity's name: two files may share a name.
    const finding = verdict.leafForRevocation
      ? await this.revocation.lookup(leaf.fingerprint256, verdict.leafForRevocation, verdict.ocspUrls, verdict.issuerForRevocation)
      : { checked: [], notChecked: ['revocation (the certificate\'s key algorithm is not one this tool reads)'] };
    if (finding.revoked) return { category: 'cert_revoked', reason: finding.revoked };
    const checked = [`the dates of ${describeDated(verdict.dated)} (valid now)`, 'the clientAuth key usage (present)'];
    const notChecked: string[] = [];
    if (verdict.path) checked.push(`the path to the --client-ca bundle (${verdict.path.certificates.map((c) => commonName(c.subject)).join(' -> ')})`);
    else if (verdict.issuer === undefined && !leaf.checkIssued(leaf)) {
      notChecked.push(`the path (the issuer ${oneLine(leaf.issuer)} is not among the certificates sent, and no --client-ca was given)`);
    } else notChecked.push('the path (no --client-ca was given: what the gateway trusts for clients is not known here)');
    checked.push(...finding.checked);
    notChecked.push(...finding.notChecked);
    return {
      category: 'bad_certificate',
      reason: `refused, the gateway gave no reason; checked: ${checked.join('; ')}${notChecked.length > 0 ? `; not checked: ${notChecked.join('; ')}` : ''}`,
    };
  }

  private verdictFor(identity: PreparedIdentity): StaticVerdict {
    let verdict = this.verdicts.get(identity);
    if (!verdict) {
      const [leaf, ...sent] = identity.certificates as [X509Certificate, ...X509Certificate[]];
      const anchors = this.options.clientCaAnchors;
      const path = anchors ? buildClientPath(leaf, sent, anchors) : undefined;
      // Node's X509Certificate.keyUsage is the *extended* key usage list; undefined when absent (any use).
      const eku = leaf.keyUsage;
      const issuer = issuerAmong(leaf, [...sent, ...(anchors ?? []), ...(this.options.issuerCandidates ?? [])]);
      verdict = {
        dated: path ? path.certificates : [leaf, ...sent],
        path,
        hasClientAuth: eku === undefined || eku.includes(CLIENT_AUTH_EKU) || eku.includes(ANY_EKU),
        issuer,
        ocspUrls: [...(leaf.infoAccess ?? '').matchAll(/OCSP - URI:(\S+)/g)].map((match) => match[1]!),
        leafForRevocation: pkiView(leaf),
        issuerForRevocation: issuer ? pkiView(issuer) : undefined,
      };
      this.verdicts.set(identity, verdict);
    }
    return verdict;
  }
}

/** The pki view of a certificate, or undefined for a key algorithm the pki module does not know (RSA-1024, P-521). */
function pkiView(certificate: X509Certificate): Certificate | undefined {
  try {
    return certificateFromDer(certificate.raw);
  } catch {
    return undefined;
  }
}

function describeTop(path: ClientPath): string {
  const top = path.certificates[path.certificates.length - 1]!;
  const which = path.certificates.length === 1 ? 'the client certificate' : `the last certificate the client sends, ${oneLine(top.subject)},`;
  return `${which} is issued by ${oneLine(top.issuer)}`;
}

function describeDated(certificates: readonly X509Certificate[]): string {
  return certificates.length === 1 ? 'the client certificate' : `the client certificate and the ${certificates.length - 1} above it`;
}

function commonName(name: string): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(name)?.[1] ?? oneLine(name);
}

function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}
