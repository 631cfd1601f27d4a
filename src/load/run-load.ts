import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { UsageError } from '../errors.js';
import type { AttemptRecord } from '../metrics/attempt-record.js';
import { peakRatePerSecond } from './arrival-schedule.js';
import { runClosedLoop } from './closed-loop.js';
import type { Diagnosis } from './diagnose-client-certificate.js';
import { plannedAttempts, profileDurationMs, type LoadProfile } from './load-profile.js';
import { LoadTally, type LoadProgress } from './load-tally.js';
import { resolveTarget, type LoadTargetSpec } from './load-target.js';
import { runOpenLoop } from './open-loop.js';
import { MAX_RATE_PER_SECOND } from './rate.js';

export const MAX_CONCURRENCY = 10_000;
export const MAX_LOAD_DURATION_MS = 24 * 3_600_000;
/** In-flight attempts beyond this are dropped whatever the rate: each holds a socket and a TLS state. */
export const MAX_IN_FLIGHT = 10_000;
/** File descriptors kept free for everything else the process does (logs, reports, the lab's pipes). */
const SPARE_FDS = 64;

export interface RunLoadOptions {
  /**
   * Every measured attempt, as it ends (aborted attempts are not reported: they measured nothing),
   * with the client-side diagnosis when the gateway refused the certificate.
   */
  readonly onAttempt?: (record: AttemptRecord, diagnosis?: Diagnosis) => void;
  /** Stops new attempts at once and cuts in-flight ones short; runLoad then resolves with what was measured. */
  readonly signal?: AbortSignal;
  /** Called about once per second while the load runs. */
  readonly onProgress?: (progress: LoadProgress) => void;
  /** Bound on attempts in flight (open loop); default derived from the peak rate and the timeout. */
  readonly maxInFlight?: number;
  readonly lateStartThresholdMs?: number;
  /**
   * Called once, when the load starts, with a handle that changes the target of the attempts
   * that start afterwards: how faults swap client certificates, trust bundles or the route
   * (through an interceptor) mid-run. In-flight attempts finish as they began.
   */
  readonly onStart?: (control: LoadControl) => void;
}

export interface LoadControl {
  /** The target as it is now. */
  readonly spec: LoadTargetSpec;
  /** Re-resolves the target with these changes; attempts started after it resolves use it. */
  retarget(changes: Partial<Omit<LoadTargetSpec, 'serverReason'>>): Promise<void>;
}

export interface LoadOutcome {
  readonly startedAt: Date;
  /** From the first scheduled attempt to the end of the last one. */
  readonly durationMs: number;
  readonly attempts: number;
  readonly succeeded: number;
  /** Attempts the schedule asked for but the in-flight bound refused (the generator's limit). */
  readonly dropped: number;
  readonly lateStarts: number;
  readonly maxStartDelayMs: number;
  readonly peakInFlight: number;
  readonly inFlightLimit: number;
  /** Attempts in flight when the run was aborted; started, not measured. */
  readonly abandoned: number;
  readonly aborted: boolean;
}

/** Rejects profiles no single generator should attempt, before anything starts. */
export function checkLoadProfile(profile: LoadProfile): void {
  const fail = (message: string, hint: string) => {
    throw new UsageError('E_LOAD_PROFILE', message, { hint });
  };
  const durationMs = profileDurationMs(profile);
  if (!(durationMs > 0) || durationMs > MAX_LOAD_DURATION_MS) fail(`the load must last more than 0 and at most 24h; got ${durationMs} ms`, 'give a duration such as 30s or 10m');
  if (profile.kind === 'concurrency') {
    if (!Number.isInteger(profile.concurrency) || profile.concurrency < 1 || profile.concurrency > MAX_CONCURRENCY) {
      fail(`concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}; got ${profile.concurrency}`, 'each worker holds one connection at a time');
    }
    return;
  }
  const rates = profile.kind === 'constant-rate' ? [profile.ratePerSecond] : [profile.startRatePerSecond, ...profile.stages.map((stage) => stage.toRatePerSecond)];
  if (rates.some((rate) => !(rate >= 0) || rate > MAX_RATE_PER_SECOND) || peakRatePerSecond(profile) <= 0) {
    fail(`rates must be above 0 and at most ${MAX_RATE_PER_SECOND}/s; got ${rates.join(', ')}`, 'use a rate such as 200/s');
  }
  if (profile.kind === 'ramp' && profile.stages.some((stage) => !(stage.durationMs > 0))) fail('every ramp stage needs a positive duration', 'e.g. { toRatePerSecond: 500, durationMs: 30000 }');
  const attempts = plannedAttempts(profile) ?? 1;
  if (!(attempts >= 1)) fail(`the load offers ${attempts} attempts: less than one, so it rounds to nothing`, 'raise the rate or the duration, e.g. 1/s for 10s');
}

/**
 * Drives load at a target: open loop for constant-rate and ramp profiles, closed loop for
 * concurrency. Client identities are used round-robin. Everything per-run (DNS, secure contexts,
 * the encoded request) is prepared once before the first attempt.
 */
export async function runLoad(profile: LoadProfile, targetSpec: LoadTargetSpec, options: RunLoadOptions = {}): Promise<LoadOutcome> {
  checkLoadProfile(profile);
  let spec = targetSpec;
  let target = await resolveTarget(spec);
  const tally = new LoadTally(options.lateStartThresholdMs);
  const inFlightLimit = options.maxInFlight ?? defaultInFlightLimit(profile, target.timeoutMs);
  // The loops get their own controller so that an abort from outside and a stop from here are one path.
  const controller = new AbortController();
  // Every in-flight attempt listens for the abort: thousands of listeners here are by design.
  setMaxListeners(0, controller.signal);
  const forwardAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  if (options.signal?.aborted) controller.abort(options.signal.reason);

  let identityIndex = 0;
  const startedAt = new Date();
  const startAt = performance.now();
  const context = {
    // A getter: the loops read the current target for every attempt, so a retarget applies at once.
    get target() {
      return target;
    },
    tally,
    signal: controller.signal,
    startAt,
    nextIdentity: () => target.identities[identityIndex++ % target.identities.length]!,
    onAttempt: options.onAttempt ?? (() => {}),
  };
  options.onStart?.({
    get spec() {
      return spec;
    },
    retarget: async (changes) => {
      const next = { ...spec, ...changes };
      target = await resolveTarget(next);
      spec = next;
    },
  });
  const progressTimer = options.onProgress
    ? setInterval(() => options.onProgress!(tally.progress(performance.now() - startAt)), 1_000)
    : undefined;
  try {
    if (profile.kind === 'concurrency') await runClosedLoop(profile.concurrency, profile.durationMs, context);
    else await runOpenLoop(profile, context, inFlightLimit);
  } finally {
    clearInterval(progressTimer);
    options.signal?.removeEventListener('abort', forwardAbort);
  }
  return {
    startedAt,
    durationMs: performance.now() - startAt,
    attempts: tally.attempts,
    succeeded: tally.succeeded,
    dropped: tally.dropped,
    lateStarts: tally.lateStarts,
    maxStartDelayMs: tally.maxStartDelayMs,
    peakInFlight: tally.peakInFlight,
    inFlightLimit: profile.kind === 'concurrency' ? profile.concurrency : inFlightLimit,
    abandoned: tally.abandoned,
    aborted: controller.signal.aborted,
  };
}

/**
 * A healthy open loop holds rate x latency attempts in flight; a blackholed gateway holds
 * rate x timeout. Twice that leaves room for bursts; the process's file-descriptor limit and
 * MAX_IN_FLIGHT cap it, so a stuck gateway cannot make the generator die of EMFILE.
 */
export function defaultInFlightLimit(profile: LoadProfile, timeoutMs: number): number {
  const derived = Math.max(100, Math.ceil(peakRatePerSecond(profile) * (timeoutMs / 1_000) * 2));
  return Math.max(1, Math.min(MAX_IN_FLIGHT, derived, openFileLimit() - SPARE_FDS));
}

function openFileLimit(): number {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
