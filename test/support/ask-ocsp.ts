import { expect } from 'vitest';
import type { StartedOcspResponder } from '../../src/lab/index.js';
import { buildOcspRequest, parseOcspResponse, type Certificate } from '../../src/pki/index.js';

/** A responder's answer (signature checked) for one certificate, or how asking failed. */
export type OcspAnswer = { kind: 'answer'; status: string; reason?: string; nextUpdate?: Date } | { kind: 'error'; code: string };

/** One OCSP request over HTTP POST, as a gateway sends it; ECONNREFUSED, TimeoutError... on failure. */
export async function askOcsp(responder: StartedOcspResponder, certificate: Certificate, issuer: Certificate, timeoutMs = 3_000): Promise<OcspAnswer> {
  try {
    const response = await fetch(responder.url, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: buildOcspRequest(certificate, issuer),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const parsed = parseOcspResponse(new Uint8Array(await response.arrayBuffer()), { issuer });
    expect(parsed.signatureValid).toBe(true);
    const [single] = parsed.singleResponses ?? [];
    return { kind: 'answer', status: single!.status, ...(single!.reason ? { reason: single!.reason } : {}), ...(single!.nextUpdate ? { nextUpdate: single!.nextUpdate } : {}) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { kind: 'error', code: cause?.code ?? (error as Error).name };
  }
}
