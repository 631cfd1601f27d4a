import type { AttemptRecord } from '../metrics/attempt-record.js';

/** A start later than this behind schedule counts as a late start (the generator slipping). */
export const LATE_START_THRESHOLD_MS = 10;

/** What the generator has done so far; read each second for the progress line. */
export interface LoadProgress {
  readonly elapsedMs: number;
  /** Attempts finished and measured. */
  readonly attempts: number;
  readonly succeeded: number;
  readonly inFlight: number;
  /** Attempts the schedule asked for but the in-flight bound refused: the generator's limit, not the gateway's. */
  readonly dropped: number;
  readonly lateStarts: number;
  readonly maxStartDelayMs: number;
}

/** The counters of one load run, shared by the loops so that each loop stays a loop. */
export class LoadTally {
  attempts = 0;
  succeeded = 0;
  inFlight = 0;
  peakInFlight = 0;
  dropped = 0;
  lateStarts = 0;
  maxStartDelayMs = 0;
  /** In-flight attempts cut short by an abort: started, never measured. */
  abandoned = 0;

  constructor(private readonly lateThresholdMs: number = LATE_START_THRESHOLD_MS) {}

  started(): void {
    this.inFlight += 1;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
  }

  finished(record: AttemptRecord | undefined): void {
    this.inFlight -= 1;
    if (!record) {
      this.abandoned += 1;
      return;
    }
    this.attempts += 1;
    if (record.category === 'ok') this.succeeded += 1;
    if (record.startDelayMs > this.lateThresholdMs) this.lateStarts += 1;
    if (record.startDelayMs > this.maxStartDelayMs) this.maxStartDelayMs = record.startDelayMs;
  }

  progress(elapsedMs: number): LoadProgress {
    return {
      elapsedMs,
      attempts: this.attempts,
      succeeded: this.succeeded,
      inFlight: this.inFlight,
      dropped: this.dropped,
      lateStarts: this.lateStarts,
      maxStartDelayMs: this.maxStartDelayMs,
    };
  }
}
