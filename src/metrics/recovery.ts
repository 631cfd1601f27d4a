import type { RecoverySummary, TimelineBucket } from '../result/run-result.js';
import { TIMELINE_BUCKET_MS } from './timeline-bucket-builder.js';

/** Seconds (with attempts) that must all be at the target before the system counts as recovered. */
const STABLE_SECONDS = 3;

/**
 * Recovery time: from the last heal until the success rate is back at the target and stays there
 * for STABLE_SECONDS seconds with attempts (or until the run ends). One-second resolution, from
 * the timeline; a heal in the middle of a second that already succeeded counts as 0. The figure is
 * an upper bound known to one bucket: where the heal fell inside its second moves it by up to a
 * second, so it carries resolutionMs and renderers say "< 1 s" rather than "1 ms".
 */
export function measureRecovery(
  timeline: readonly TimelineBucket[],
  healedAtMs: number,
  targetSuccessRate: number,
): RecoverySummary {
  const healSecond = Math.floor(healedAtMs / 1_000);
  // By the second attempts were due: one that began under the fault and timed out after the
  // heal is the fault's, not a sign the system has not recovered.
  const attemptsOf = (bucket: TimelineBucket) => bucket.startedAttempts ?? bucket.attempts;
  const succeededOf = (bucket: TimelineBucket) => bucket.startedSucceeded ?? bucket.succeeded;
  const after = timeline.filter((bucket) => bucket.second >= healSecond && attemptsOf(bucket) > 0);
  for (let index = 0; index < after.length; index++) {
    const window = after.slice(index, index + STABLE_SECONDS);
    if (window.every((bucket) => succeededOf(bucket) / attemptsOf(bucket) >= targetSuccessRate)) {
      const timeMs = Math.max(0, after[index]!.second * 1_000 - healedAtMs);
      return { healedAtMs, timeMs, targetSuccessRate, resolutionMs: TIMELINE_BUCKET_MS };
    }
  }
  return { healedAtMs, targetSuccessRate, resolutionMs: TIMELINE_BUCKET_MS };
}
