import { setTimeout as delay } from 'node:timers/promises';
import { queryOcsp, type Certificate, type OcspQueryResult } from '../pki/index.js';

/** The outcomes of mtls_chaos_ocsp_requests_total. */
export type OcspProbeOutcome = 'good' | 'revoked' | 'unknown' | 'error' | 'unavailable';

export const OCSP_PROBE_INTERVAL_MS = 1_000;
/** An answer slower than this counts as unavailable: what a gateway's OCSP timeout would call it. */
const OCSP_PROBE_TIMEOUT_MS = 2_000;

export function probeOutcome(result: OcspQueryResult): OcspProbeOutcome {
  switch (result.kind) {
    case 'answer':
      return result.single.status;
    case 'unreachable':
      return 'unavailable';
    case 'unjudged':
    case 'unusable':
      return 'error';
  }
}

/**
 * The lab's OCSP responder as the harness sees it: once a second, one request about one lab
 * certificate straight to the responder (not through a gateway link), its outcome and latency
 * recorded. One request at a time, so a responder that hangs (ocsp-outage "slow") is asked no
 * faster than it fails. Stops with `signal`; never rejects.
 */
export async function probeOcspResponder(options: {
  readonly url: string;
  readonly leaf: Certificate;
  readonly issuer: Certificate;
  readonly record: (outcome: OcspProbeOutcome, seconds: number) => void;
  readonly signal: AbortSignal;
  readonly intervalMs?: number;
}): Promise<void> {
  const intervalMs = options.intervalMs ?? OCSP_PROBE_INTERVAL_MS;
  while (!options.signal.aborted) {
    const started = performance.now();
    const outcome = await queryOcsp(options.leaf, options.issuer, options.url, { timeoutMs: OCSP_PROBE_TIMEOUT_MS }).then(
      probeOutcome,
      (): OcspProbeOutcome => 'error',
    );
    if (options.signal.aborted) return;
    options.record(outcome, (performance.now() - started) / 1_000);
    await delay(Math.max(0, intervalMs - (performance.now() - started)), undefined, { signal: options.signal }).catch(() => undefined);
  }
}
