import type { ErrorCategory } from '../metrics/error-category.js';
import { buildOcspRequest, parseOcspRequest, parseOcspResponse, type Certificate } from '../pki/index.js';

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
  readonly post?: (url: string, body: Buffer, timeoutMs: number) => Promise<Buffer>;
}

/** The verdict on one client certificate: undefined means accepted. */
export type OcspRejection = Extract<ErrorCategory, 'cert_revoked' | 'ocsp_unavailable' | 'bad_certificate'> | undefined;

interface CacheEntry {
  readonly verdict: 'good' | 'revoked' | 'unknown';
  readonly expiresAtMs: number;
}

/** A response whose thisUpdate is this far ahead of our clock is still accepted (RFC 5019 4: clock skew). */
const CLOCK_SKEW_MS = 5 * 60_000;

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
  private readonly post: (url: string, body: Buffer, timeoutMs: number) => Promise<Buffer>;
  /** Why the last check found no usable answer, for the gateway's log. */
  lastProblem: string | undefined;

  constructor(private readonly options: ClientOcspCheckOptions) {
    this.now = options.now ?? Date.now;
    this.post = options.post ?? postOcsp;
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
    const request = buildOcspRequest(leaf, issuer);
    const nonce = parseOcspRequest(request).nonce;
    let body: Buffer;
    try {
      body = await this.post(url, request, this.options.timeoutMs);
    } catch (error) {
      return this.problem(`OCSP request to ${url} failed: ${(error as Error).message}`);
    }
    let parsed;
    try {
      parsed = parseOcspResponse(body, { issuer });
    } catch (error) {
      return this.problem((error as Error).message);
    }
    if (parsed.responseStatus !== 'successful') return this.problem(`OCSP responder answered ${parsed.responseStatus}`);
    if (!parsed.signatureValid) return this.problem(`OCSP response not trusted: ${parsed.signatureProblem ?? 'bad signature'}`);
    if (nonce && parsed.nonce && !parsed.nonce.equals(nonce)) return this.problem('OCSP response nonce does not match');
    const single = parsed.singleResponses?.find((response) => response.serialNumber === leaf.serialNumber && response.issuerMatches);
    if (!single) return this.problem('OCSP response does not answer for this certificate');
    const nowMs = this.now();
    if (single.thisUpdate.getTime() > nowMs + CLOCK_SKEW_MS) return this.problem('OCSP response thisUpdate is in the future');
    if (single.nextUpdate && single.nextUpdate.getTime() < nowMs) return this.problem('OCSP response is stale (nextUpdate passed)');
    this.lastProblem = undefined;
    const expiresAtMs = Math.min(nowMs + this.options.cacheTtlMs, single.nextUpdate?.getTime() ?? Number.POSITIVE_INFINITY);
    const entry: CacheEntry = { verdict: single.status, expiresAtMs };
    if (this.options.cacheTtlMs > 0) this.cache.set(leaf.serialNumber, entry);
    return entry;
  }

  private problem(detail: string): undefined {
    this.lastProblem = detail;
    return undefined;
  }
}

async function postOcsp(url: string, body: Buffer, timeoutMs: number): Promise<Buffer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return bytes;
}
