import type { LoadProfile } from '../load/index.js';

/**
 * `run --duration`: the same profile over a different time. A ramp keeps its shape: every stage
 * is scaled by the same factor, so a 10-minute ramp tried in 30 s still climbs to its peak.
 */
export function withDuration(profile: LoadProfile, durationMs: number): LoadProfile {
  if (profile.kind !== 'ramp') return { ...profile, durationMs };
  const total = profile.stages.reduce((sum, stage) => sum + stage.durationMs, 0);
  const factor = total > 0 ? durationMs / total : 1;
  return { ...profile, stages: profile.stages.map((stage) => ({ ...stage, durationMs: stage.durationMs * factor })) };
}
