import { isIP } from 'node:net';
import {
  authorityKeyIdOf,
  checkCrl,
  crlDistributionPointsOf,
  describeFetchError,
  queryOcsp,
  type Certificate,
  type OcspPost,
} from '../pki/index.js';

/**
 * Which revocation services the generator may ask itself: `loopback` (the default) only those on
 * this machine, `any` also remote ones (a CA's public responder: a request per identity leaves
 * the machine and tells the CA which certificate is in use), `off` none.
 */
export const REVOCATION_FETCH_SCOPES = ['loopback', 'any', 'off'] as const;
export type RevocationFetchScope = (typeof REVOCATION_FETCH_SCOPES)[number];

/** What the generator found out, by itself, about a client certificate's revocation. */
export interface RevocationFinding {
  /** A sentence naming the source when an answer the generator could verify says revoked. */
  readonly revoked?: string;
  /** What was asked and what came back, one clause each (good answers, silent responders). */
  readonly checked: readonly string[];
  /** What could not be asked, and why. */
  readonly notChecked: readonly string[];
}

export interface RevocationLookupOptions {
  readonly scope?: RevocationFetchScope;
  /** Per request; a silent responder costs an attempt's diagnosis at most this long. */
  readonly timeoutMs?: number;
  /** One look-up per identity per this long: a refused load asks once, not once per attempt. */
  readonly minIntervalMs?: number;
  readonly now?: () => number;
  readonly post?: OcspPost;
  /** GETs a CRL and resolves with its DER; injectable for unit tests. */
  readonly getCrl?: (url: string, timeoutMs: number) => Promise<Buffer>;
}

export const DEFAULT_REVOCATION_TIMEOUT_MS = 2_000;
export const DEFAULT_REVOCATION_INTERVAL_MS = 10_000;

interface CacheEntry {
  readonly finding: Promise<RevocationFinding>;
  readonly atMs: number;
}

/**
 * Asks a client certificate's own OCSP responder (AIA, RFC 5280 4.2.2.1) and CRL distribution
 * point (RFC 5280 4.2.1.13) when a gateway refused it without a reason, the way the gateway may
 * have: only an answer signed by the certificate's issuer counts. Bounded so that a load against
 * a refusing gateway does not become a load on the responder: one look-up per key per
 * minIntervalMs (concurrent callers share it), each request within timeoutMs.
 */
export class RevocationLookup {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly scope: RevocationFetchScope;
  private readonly timeoutMs: number;
  private readonly minIntervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RevocationLookupOptions = {}) {
    this.scope = options.scope ?? 'loopback';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REVOCATION_TIMEOUT_MS;
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_REVOCATION_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * @param key which identity asks (the cache key: one look-up per identity per interval)
   * @param ocspUrls the leaf's AIA OCSP URLs, as Node's X509Certificate.infoAccess lists them
   * @param issuer the leaf's issuer when the generator has it (a CertID and a signature check need it)
   */
  lookup(key: string, leaf: Certificate, ocspUrls: readonly string[], issuer: Certificate | undefined): Promise<RevocationFinding> {
    const nowMs = this.now();
    const cached = this.cache.get(key);
    if (cached && nowMs - cached.atMs < this.minIntervalMs) return cached.finding;
    // Never rejects: a look-up that breaks leaves the refusal as it was, saying why.
    const finding = this.ask(leaf, ocspUrls, issuer).catch((error: unknown) => ({
      checked: [],
      notChecked: [`revocation (the look-up failed: ${(error as Error).message})`],
    }));
    this.cache.set(key, { finding, atMs: nowMs });
    return finding;
  }

  private async ask(leaf: Certificate, ocspUrls: readonly string[], issuer: Certificate | undefined): Promise<RevocationFinding> {
    const crlUrls = crlDistributionPointsOf(leaf);
    const checked: string[] = [];
    const notChecked: string[] = [];
    if (ocspUrls.length === 0 && crlUrls.length === 0) {
      notChecked.push('revocation (the certificate names no OCSP responder and no CRL distribution point)');
      return { checked, notChecked };
    }
    if (this.scope === 'off') {
      notChecked.push('revocation (--revocation-fetch off)');
      return { checked, notChecked };
    }
    // Without the issuer's certificate a responder can still be asked (the authority key
    // identifier is the CertID's key hash), to learn whether it answers at all, the fact an
    // OCSP outage turns on; its answer is then not judged, and a CRL cannot be checked.
    const keyId = authorityKeyIdOf(leaf);
    const askAs = issuer ?? (keyId ? { sha1KeyHash: keyId } : undefined);
    if (!issuer) notChecked.push('the revocation status itself (the issuer\'s certificate, needed to check an answer\'s signature, is neither sent nor in --client-ca or --ca)');
    for (const url of askAs ? ocspUrls : []) {
      if (!this.allowed(url, notChecked, 'OCSP responder')) continue;
      const result = await queryOcsp(leaf, askAs!, url, { timeoutMs: this.timeoutMs, now: this.now, ...(this.options.post ? { post: this.options.post } : {}) });
      if (result.kind === 'answer' && result.single.status === 'revoked') {
        const when = result.single.revokedAt ? ` since ${result.single.revokedAt.toISOString()}` : '';
        const reason = result.single.reason ? ` (${result.single.reason})` : '';
        return { revoked: `the certificate's OCSP responder ${url} answers revoked${reason}${when}`, checked, notChecked };
      }
      if (result.kind === 'answer') checked.push(`its OCSP responder ${url} answers ${result.single.status}`);
      else if (result.kind === 'unjudged') checked.push(`its OCSP responder ${url} answers (the answer not judged)`);
      else if (result.kind === 'unreachable') {
        checked.push(`the certificate's OCSP responder ${url} did not answer (${result.reason}; the gateway may hard-fail on OCSP)`);
      } else checked.push(`its OCSP responder ${url} gave no usable answer (${result.detail}; the gateway may hard-fail on OCSP)`);
    }
    for (const url of crlUrls) {
      if (!issuer) break;
      if (!this.allowed(url, notChecked, 'CRL')) continue;
      let der: Buffer;
      try {
        der = await (this.options.getCrl ?? getCrl)(url, this.timeoutMs);
      } catch (error) {
        checked.push(`its CRL ${url} could not be fetched (${describeFetchError(error)})`);
        continue;
      }
      const verdict = checkCrl(der, leaf, issuer, new Date(this.now()));
      if (verdict.kind === 'listed') {
        return { revoked: `the certificate's CRL ${url} lists it as revoked since ${verdict.revokedAt.toISOString()}`, checked, notChecked };
      }
      checked.push(verdict.kind === 'not-listed' ? `its CRL ${url} does not list it` : `its CRL ${url} is not usable (${verdict.detail})`);
    }
    return { checked, notChecked };
  }

  private allowed(url: string, notChecked: string[], what: string): boolean {
    if (this.scope === 'any' || isLoopbackUrl(url)) return true;
    notChecked.push(`its ${what} ${url} (not on this machine; --revocation-fetch any allows it)`);
    return false;
  }
}

/** Whether a URL names this machine by address or as localhost (no DNS: a name could point anywhere). */
export function isLoopbackUrl(text: string): boolean {
  let host: string;
  try {
    host = new URL(text).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

async function getCrl(url: string, timeoutMs: number): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  // A distribution point serves DER (RFC 5280 4.2.1.13); accept a PEM file served as is.
  const pem = /-----BEGIN X509 CRL-----([\s\S]+?)-----END X509 CRL-----/.exec(body.toString('latin1'));
  return pem ? Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64') : body;
}
