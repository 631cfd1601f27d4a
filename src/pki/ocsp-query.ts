import type { Certificate } from './certificate.js';
import { buildOcspRequest, parseOcspRequest, type OcspIssuerKeyId } from './ocsp-request.js';
import { parseOcspResponse, type OcspSingleStatus } from './ocsp-response.js';

/** POSTs a DER OCSP request and resolves with the DER body; rejects when no answer arrived. */
export type OcspPost = (url: string, body: Buffer, timeoutMs: number) => Promise<Buffer>;

/**
 * What asking a responder about one certificate gave, as a relying party must judge it (RFC 6960
 * 3.2): a usable answer, no answer at all (refused, timed out: the responder is down), or an
 * answer that cannot be used (an error status, a bad signature, a stale or foreign answer).
 */
export type OcspQueryResult =
  | { readonly kind: 'answer'; readonly single: OcspSingleStatus }
  /** It answered, but without the issuer's certificate the answer's signature cannot be checked. */
  | { readonly kind: 'unjudged'; readonly detail: string }
  /** `reason`: ECONNREFUSED, "no answer within the timeout", ... */
  | { readonly kind: 'unreachable'; readonly detail: string; readonly reason: string }
  | { readonly kind: 'unusable'; readonly detail: string };

export interface OcspQueryOptions {
  readonly timeoutMs: number;
  readonly now?: () => number;
  readonly post?: OcspPost;
}

/** A response whose thisUpdate is this far ahead of our clock is still accepted (RFC 5019 4: clock skew). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** An HTTP answer that is not 2xx: the responder is up but did not answer OCSP. */
class OcspHttpStatusError extends Error {}

/**
 * Asks `url` about `leaf` (issued by `issuer`) with a nonce, and judges the answer: signed by the
 * issuer or a responder it delegated to, for this certificate, not from the future, not stale.
 * Shared by the gateways' client-certificate check (lab/client-ocsp-check.ts) and the load
 * generator's own look-up when a gateway refused without a reason (load/revocation-lookup.ts).
 */
export async function queryOcsp(leaf: Certificate, issuer: Certificate | OcspIssuerKeyId, url: string, options: OcspQueryOptions): Promise<OcspQueryResult> {
  const request = buildOcspRequest(leaf, issuer);
  const nonce = parseOcspRequest(request).nonce;
  let body: Buffer;
  try {
    body = await (options.post ?? postOcsp)(url, request, options.timeoutMs);
  } catch (error) {
    const reason = describeFetchError(error);
    const detail = `OCSP request to ${url} failed: ${reason}`;
    return error instanceof OcspHttpStatusError ? { kind: 'unusable', detail } : { kind: 'unreachable', detail, reason };
  }
  if ('sha1KeyHash' in issuer) return { kind: 'unjudged', detail: `${url} answered (${body.length} bytes), not judged: the issuer's certificate was not given` };
  let parsed;
  try {
    parsed = parseOcspResponse(body, { issuer });
  } catch (error) {
    return { kind: 'unusable', detail: (error as Error).message };
  }
  const unusable = (detail: string): OcspQueryResult => ({ kind: 'unusable', detail });
  if (parsed.responseStatus !== 'successful') return unusable(`OCSP responder answered ${parsed.responseStatus}`);
  if (!parsed.signatureValid) return unusable(`OCSP response not trusted: ${parsed.signatureProblem ?? 'bad signature'}`);
  if (nonce && parsed.nonce && !parsed.nonce.equals(nonce)) return unusable('OCSP response nonce does not match');
  const single = parsed.singleResponses?.find((response) => response.serialNumber === leaf.serialNumber && response.issuerMatches);
  if (!single) return unusable('OCSP response does not answer for this certificate');
  const nowMs = (options.now ?? Date.now)();
  if (single.thisUpdate.getTime() > nowMs + CLOCK_SKEW_MS) return unusable('OCSP response thisUpdate is in the future');
  if (single.nextUpdate && single.nextUpdate.getTime() < nowMs) return unusable('OCSP response is stale (nextUpdate passed)');
  return { kind: 'answer', single };
}

async function postOcsp(url: string, body: Buffer, timeoutMs: number): Promise<Buffer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new OcspHttpStatusError(`HTTP ${response.status}`);
  return bytes;
}

/** fetch says "fetch failed" and hides the reason in `cause` (ECONNREFUSED, a timeout): name it. */
export function describeFetchError(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'no answer within the timeout';
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(error);
}
