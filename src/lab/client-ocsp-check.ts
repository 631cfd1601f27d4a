import type { ErrorCategory } from '../metrics/error-category.js';
import { queryOcsp, type Certificate, type OcspPost } from '../pki/index.js';

export type OcspMode = 'hard-fail' | 'soft-fail';

export interface ClientOcspCheckOptions {
  readonly mode: OcspMode;
  /** The longest an answer is reused; a response's nextUpdate shortens it. */
  readonly cacheTtlMs: number;
  readonly timeoutMs: number;
  /** Like nginx ssl_ocsp_responder: wins over the certificate's AIA. */
  readonly responderUrl?: string;
  readonly now?: () => number;
  /** POSTs a DER request and returns the DER body; injectable for unit tests. */
  readonly post?: OcspPost;
}

/** The verdict on one client certificate: undefined means accepted. */
export type OcspRejection = Extract<ErrorCategory, 'cert_revoked' | 'ocsp_unavailable' | 'bad_certificate'> | undefined;

interface CacheEntry {
  readonly verdict: 'good' | 'revoked' | 'unknown';
  readonly expiresAtMs: number;
}

/**
 * Client-certificate revocation checking over OCSP, with the behaviour of nginx `ssl_ocsp leaf`
 * (https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_ocsp) and a soft-fail mode nginx
 * does not have: hard-fail refuses the client when no usable answer arrives (timeout, refused,
 * tryLater, malformed, badly signed, stale); soft-fail lets it in. A definite `revoked` refuses in
 * both modes. Answers are cached per serial for cacheTtlMs or until nextUpdate, whichever is first;
 * concurrent checks of one serial share one request, so a burst of handshakes is one OCSP query.
 */
export class ClientOcspCheck {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<CacheEntry | undefined>>();
  private readonly now: () => number;
  private readonly post: OcspPost | undefined;
  /** Why the last check found no usable answer, for the gateway's log. */
  lastProblem: string | undefined;

  constructor(private readonly options: ClientOcspCheckOptions) {
    this.now = options.now ?? Date.now;
    this.post = options.post;
  }

  async check(leaf: Certificate, issuer: Certificate, aiaUrl: string | undefined): Promise<OcspRejection> {
    const serial = leaf.serialNumber;
    let entry = this.cache.get(serial);
    if (!entry || entry.expiresAtMs <= this.now()) {
      this.cache.delete(serial);
      let pending = this.inFlight.get(serial);
      if (!pending) {
        pending = this.query(leaf, issuer, aiaUrl).finally(() => this.inFlight.delete(serial));
        this.inFlight.set(serial, pending);
      }
      entry = await pending;
    }
    if (!entry) return this.options.mode === 'hard-fail' ? 'ocsp_unavailable' : undefined;
    if (entry.verdict === 'revoked') return 'cert_revoked';
    // RFC 6960 2.2: "unknown" is an answer, not an outage: the responder does not know this
    // certificate. OpenSSL (and so nginx) refuses it as X509_V_ERR_OCSP_CERT_UNKNOWN.
    if (entry.verdict === 'unknown') return 'bad_certificate';
    return undefined;
  }

  /** Forgets cached answers (after a reload of the trust material). */
  clear(): void {
    this.cache.clear();
  }

  private async query(leaf: Certificate, issuer: Certificate, aiaUrl: string | undefined): Promise<CacheEntry | undefined> {
    const url = this.options.responderUrl ?? aiaUrl;
    if (!url) return this.problem('the certificate names no OCSP responder and none is configured');
    const result = await queryOcsp(leaf, issuer, url, { timeoutMs: this.options.timeoutMs, now: this.now, ...(this.post ? { post: this.post } : {}) });
    if (result.kind !== 'answer') return this.problem(result.detail);
    this.lastProblem = undefined;
    const nowMs = this.now();
    const expiresAtMs = Math.min(nowMs + this.options.cacheTtlMs, result.single.nextUpdate?.getTime() ?? Number.POSITIVE_INFINITY);
    const entry: CacheEntry = { verdict: result.single.status, expiresAtMs };
    if (this.options.cacheTtlMs > 0) this.cache.set(leaf.serialNumber, entry);
    return entry;
  }

  private problem(detail: string): undefined {
    this.lastProblem = detail;
    return undefined;
  }
}
