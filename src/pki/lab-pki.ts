import { CertificateAuthority } from './certificate-authority.js';
import type { Credential } from './credential.js';
import { issueFleet } from './fleet.js';
import type { KeyAlgorithm } from './key-algorithm.js';

export interface LabPkiSpec {
  /** Key algorithm of every certificate; default ecdsa-p256. */
  readonly algorithm?: KeyAlgorithm;
  readonly servers?: number;
  readonly clients?: number;
  /**
   * CAs between the root and the leaves: 0 (leaf <- root), 1 (leaf <- intermediate <- root, the
   * default) or 2 (two intermediates). Peers send every intermediate; chain length is a cost.
   */
  readonly intermediates?: 0 | 1 | 2;
  /** Client certificates live this long; default 24 h. */
  readonly clientLifetimeMs?: number;
  /** Server certificates live this long; default 90 days. */
  readonly serverLifetimeMs?: number;
  /** Client certificates carry spiffe://<trustDomain>/ns/lab/sa/client-N URI SANs. */
  readonly spiffeTrustDomain?: string;
  /** DNS names of every server certificate; 127.0.0.1 and ::1 are always added as IP SANs. */
  readonly serverDnsNames?: readonly string[];
  /** AIA OCSP URL of the leaves; none when omitted. */
  readonly ocspUrl?: string;
  /** CRL distribution point of the leaves; none when omitted. */
  readonly crlUrl?: string;
  /** Organisation in every subject, so lab certificates are recognisable anywhere. */
  readonly organization?: string;
  /**
   * Issue every leaf from this CA (a team's intermediate, CertificateAuthority.fromPem) instead
   * of a new root and intermediates; `intermediates` is then not used.
   */
  readonly issuer?: CertificateAuthority;
  readonly onProgress?: (issued: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** The PKI of one lab: root -> intermediate -> server and client leaves. */
export interface LabPki {
  readonly algorithm: KeyAlgorithm;
  readonly root: CertificateAuthority;
  /**
   * The CA that issues every leaf: the (lowest) intermediate, or the root itself in a lab built
   * with `intermediates: 0`. Its `chain` is what leaves carry above them.
   */
  readonly intermediate: CertificateAuthority;
  readonly servers: readonly Credential[];
  readonly clients: readonly Credential[];
}

export const LAB_DEFAULTS = {
  algorithm: 'ecdsa-p256',
  servers: 1,
  clients: 1,
  spiffeTrustDomain: 'example.org',
  serverDnsNames: ['localhost'],
  organization: 'mtls-chaos lab',
} as const;

/**
 * Builds the standard lab hierarchy. The root may have exactly one intermediate below it
 * (pathLength 1) and the intermediate issues only leaves (pathLength 0), as public CAs do.
 */
export async function buildLabPki(spec: LabPkiSpec = {}): Promise<LabPki> {
  const algorithm = spec.algorithm ?? LAB_DEFAULTS.algorithm;
  const organization = spec.organization ?? LAB_DEFAULTS.organization;
  const trustDomain = spec.spiffeTrustDomain ?? LAB_DEFAULTS.spiffeTrustDomain;
  const depth = spec.intermediates ?? 1;
  if (![0, 1, 2].includes(depth)) throw new RangeError(`intermediates must be 0, 1 or 2; got ${depth}`);
  const leafUrls = { ...(spec.ocspUrl ? { ocspUrl: spec.ocspUrl } : {}), ...(spec.crlUrl ? { crlUrl: spec.crlUrl } : {}) };
  const root = spec.issuer ?? CertificateAuthority.createRoot({
    subject: { commonName: 'mtls-chaos Lab Root CA', organization },
    algorithm,
    pathLength: depth,
    ...(depth === 0 ? leafUrls : {}),
  });
  let intermediate = root;
  for (let level = 1; level <= (spec.issuer ? 0 : depth); level++) {
    intermediate = intermediate.issueIntermediate({
      // The usual single intermediate keeps its usual name; a second one is named by its level.
      subject: { commonName: level === depth ? 'mtls-chaos Lab Intermediate CA' : `mtls-chaos Lab Intermediate CA ${level}`, organization },
      pathLength: depth - level,
      ...(level === depth ? leafUrls : {}),
    });
  }
  const serverCount = spec.servers ?? LAB_DEFAULTS.servers;
  const clientCount = spec.clients ?? LAB_DEFAULTS.clients;
  const total = serverCount + clientCount;
  const servers = await issueFleet(intermediate, {
    count: serverCount,
    profile: 'server',
    ...(spec.signal ? { signal: spec.signal } : {}),
    leaf: (index) => ({
      subject: { commonName: `server-${index + 1}`, organization },
      dnsNames: spec.serverDnsNames ?? LAB_DEFAULTS.serverDnsNames,
      ipAddresses: ['127.0.0.1', '::1'],
      ...(spec.serverLifetimeMs ? { lifetimeMs: spec.serverLifetimeMs } : {}),
    }),
    onProgress: (issued) => spec.onProgress?.(issued, total),
  });
  const clients = await issueFleet(intermediate, {
    count: clientCount,
    profile: 'client',
    ...(spec.signal ? { signal: spec.signal } : {}),
    leaf: (index) => ({
      subject: { commonName: `client-${index + 1}`, organization },
      uris: [`spiffe://${trustDomain}/ns/lab/sa/client-${index + 1}`],
      ...(spec.clientLifetimeMs ? { lifetimeMs: spec.clientLifetimeMs } : {}),
    }),
    onProgress: (issued) => spec.onProgress?.(serverCount + issued, total),
  });
  return { algorithm: spec.issuer?.key.algorithm ?? algorithm, root, intermediate, servers, clients };
}
