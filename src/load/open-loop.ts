import { performance } from 'node:perf_hooks';
import type { AttemptRecord } from '../metrics/attempt-record.js';
import { arrivalTimesMs } from './arrival-schedule.js';
import { runAttempt } from './attempt.js';
import type { PreparedIdentity } from './client-identity.js';
import type { Diagnosis } from './diagnose-client-certificate.js';
import type { LoadProfile } from './load-profile.js';
import type { LoadTally } from './load-tally.js';
import type { ResolvedTarget } from './load-target.js';

/** What both loops need from the run that drives them. */
export interface LoopContext {
  readonly target: ResolvedTarget;
  readonly nextIdentity: () => PreparedIdentity;
  readonly onAttempt: (record: AttemptRecord, diagnosis?: Diagnosis) => void;
  readonly tally: LoadTally;
  readonly signal: AbortSignal;
  /** performance.now() at which the load started; scheduled times count from here. */
  readonly startAt: number;
}

/** setTimeout fires up to ~1 ms late; the last stretch before a due time is covered by setImmediate. */
const SPIN_WINDOW_MS = 2;

/**
 * Starts attempts on schedule whatever the gateway does (open loop): an attempt is never held
 * back by earlier ones, so a slow gateway shows as latency and timeouts, not as a lower offered
 * rate (no coordinated omission). When the generator itself falls behind, overdue attempts start
 * at once and carry their startDelayMs. Attempts beyond `maxInFlight` are dropped and counted,
 * never queued: an unbounded queue would only move the problem into memory.
 * Resolves once the schedule is done and every in-flight attempt has ended (each ends within
 * the attempt timeout), or at once on abort.
 */
export async function runOpenLoop(
  profile: Extract<LoadProfile, { kind: 'constant-rate' | 'ramp' }>,
  context: LoopContext,
  maxInFlight: number,
): Promise<void> {
  const { tally, signal, startAt } = context;
  const inFlight = new Set<Promise<void>>();

  const fire = (scheduledAtMs: number) => {
    if (tally.inFlight >= maxInFlight) {
      tally.dropped += 1;
      return;
    }
    tally.started();
    const attempt = runAttempt(context.target, context.nextIdentity(), { dueAt: startAt + scheduledAtMs, scheduledAtMs }, { signal }).then(
      (outcome) => {
        tally.finished(outcome.aborted ? undefined : outcome.record);
        if (!outcome.aborted) context.onAttempt(outcome.record, outcome.diagnosis);
      },
    );
    inFlight.add(attempt);
    void attempt.finally(() => inFlight.delete(attempt));
  };

  await new Promise<void>((done) => {
    const schedule = arrivalTimesMs(profile);
    let next = schedule.next();
    let timer: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    const stop = () => {
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      signal.removeEventListener('abort', stop);
      done();
    };
    const tick = () => {
      timer = undefined;
      immediate = undefined;
      if (signal.aborted) return stop();
      const now = performance.now();
      while (!next.done && startAt + next.value <= now) {
        fire(next.value);
        next = schedule.next();
      }
      if (next.done) return stop();
      const waitMs = startAt + next.value - performance.now();
      if (waitMs >= SPIN_WINDOW_MS) timer = setTimeout(tick, waitMs - 1);
      else immediate = setImmediate(tick);
    };
    signal.addEventListener('abort', stop, { once: true });
    tick();
  });
  // Attempts time out by themselves and abort with the signal, so this wait is bounded.
  await Promise.all(inFlight);
}
