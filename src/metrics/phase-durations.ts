import { PHASES, type Phase } from './attempt-record.js';

/**
 * How long each phase lasted within [0, durationMs), found from `phaseAt` alone: phases are
 * contiguous stretches, so step a second at a time and bisect to the millisecond where the
 * phase changes. A 4-hour run costs ~15k calls, not 14M.
 */
export function phaseDurationsMs(phaseAt: (msSinceLoadStart: number) => Phase, durationMs: number): Record<Phase, number> {
  const durations = Object.fromEntries(PHASES.map((phase) => [phase, 0])) as Record<Phase, number>;
  const end = Math.max(0, Math.floor(durationMs));
  // Beyond 2^53 a step of 1000 ms can round to nothing and the loop below would never end.
  if (!Number.isSafeInteger(end)) throw new RangeError(`phase durations over ${durationMs} ms: the span must be bounded first`);
  let segmentStart = 0;
  let segmentPhase = end > 0 ? phaseAt(0) : undefined;
  for (let stepStart = 0; stepStart < end; ) {
    const stepEnd = Math.min(end, stepStart + 1_000);
    const phaseAtEnd = stepEnd < end ? phaseAt(stepEnd) : undefined;
    if (phaseAtEnd !== undefined && phaseAtEnd !== segmentPhase) {
      // The first ms in (stepStart, stepEnd] whose phase differs from the segment's.
      let low = stepStart;
      let high = stepEnd;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (phaseAt(middle) === segmentPhase) low = middle;
        else high = middle;
      }
      durations[segmentPhase as Phase] += high - segmentStart;
      segmentStart = high;
      segmentPhase = phaseAt(high);
      stepStart = high;
      continue;
    }
    stepStart = stepEnd;
  }
  if (segmentPhase !== undefined) durations[segmentPhase] += end - segmentStart;
  return durations;
}
