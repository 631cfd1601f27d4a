import { probe, type LoadTargetSpec } from '../load/index.js';

/** Identities warmed before the load; beyond a few, more add start-up time and no warmth. */
const MAX_WARM_UP_IDENTITIES = 8;

/**
 * One unmeasured attempt per identity before the load starts. The first handshakes of a fresh
 * lab pay for JIT compilation, lazy module loading and the gateway's first OCSP lookups
 * (measured here: ~450 ms in the first second of a node-gateway baseline, ~4 ms after), which
 * would otherwise land in the baseline's p99. Cold start is a drill of its own, not noise.
 * Returns how many warm-up attempts were made.
 */
export async function warmUp(target: LoadTargetSpec, signal: AbortSignal): Promise<number> {
  const identities = target.identities.slice(0, MAX_WARM_UP_IDENTITIES);
  for (const identity of identities) {
    signal.throwIfAborted();
    await probe(target.url, {
      certPem: identity.certPem,
      keyPem: identity.keyPem,
      caPem: target.caPem,
      ...(target.servername ? { servername: target.servername } : {}),
      ...(target.timeoutMs ? { timeoutMs: target.timeoutMs } : {}),
      signal,
    });
  }
  return identities.length;
}
