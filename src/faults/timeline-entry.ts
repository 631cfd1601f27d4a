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
