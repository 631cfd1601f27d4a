/**
 * The most faults one timeline holds: a fault every 90 s of a 24 h load. Each is a timer and a
 * window every attempt's phase is checked against, so scenarios and the results read back
 * (`import k6 --faults`) are held to it.
 */
export const MAX_TIMELINE_FAULTS = 1_000;

/** A validated timeline entry: when, for how long, and the fault itself. */
export interface TimelineEntry {
  /** ms after the load starts. */
  readonly atMs: number;
  /** ms the fault lasts; undefined = stays until the end of the run (no recovery phase). */
  readonly forMs: number | undefined;
  readonly kind: string;
  /** The fault's own options, as its definition's schema parsed them. */
  readonly options: unknown;
}
