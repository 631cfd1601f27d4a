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

/**
 * Node's timers have millisecond granularity: a timeout fires up to ~1 ms either side of the
 * instant asked for. An attempt due within this window of now starts now, and its latency is
 * measured from that actual start (never from a due time still ahead, which would shorten it).
 * The alternative, spinning on setImmediate through the last stretch before each due time, cost
 * 0.5-1 ms of CPU per arrival at 50-400/s (test/bench/generator-bench.ts measures the generator),
 * a quarter to a half of what a full mutual handshake costs the client.
 */
const EARLY_START_WINDOW_MS = 1;

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

  const fire = (scheduledAtMs: number, now: number) => {
    if (tally.inFlight >= maxInFlight) {
      tally.dropped += 1;
      return;
    }
    tally.started();
    const dueAt = Math.max(startAt + scheduledAtMs, now);
    const attempt = runAttempt(context.target, context.nextIdentity(), { dueAt, scheduledAtMs }, { signal }).then(
      async (outcome) => {
        // In flight until its socket has closed: maxInFlight bounds sockets (file descriptors).
        await outcome.socketClosed;
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
    const stop = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
      done();
    };
    const tick = () => {
      timer = undefined;
      if (signal.aborted) return stop();
      const now = performance.now();
      while (!next.done && startAt + next.value <= now + EARLY_START_WINDOW_MS) {
        fire(next.value, now);
        next = schedule.next();
      }
      if (next.done) return stop();
      timer = setTimeout(tick, startAt + next.value - performance.now() - EARLY_START_WINDOW_MS);
    };
    signal.addEventListener('abort', stop, { once: true });
    tick();
  });
  // Attempts time out by themselves and abort with the signal, so this wait is bounded.
  await Promise.all(inFlight);
}
