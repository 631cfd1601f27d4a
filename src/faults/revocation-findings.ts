import type { FaultContext } from './fault.js';

/**
 * After the harness changes what its own OCSP responder answers, in front of a gateway the team
 * runs: that gateway's refusals (nginx's bare 400) are explained by the load asking the same
 * responder itself, at most once per identity every 10 s (load/revocation-lookup.ts). An answer
 * cached from before the change would name the wrong cause (a revocation the heal took back, an
 * outage that ended), so the load re-resolves its target, which starts a fresh look-up cache.
 * A lab gateway explains itself from its own log and needs none of this.
 */
export async function forgetRevocationFindings({ lab, load }: Pick<FaultContext, 'lab' | 'load'>): Promise<void> {
  if (lab.gateway.kind === 'external') await load.retarget({});
}
