/** Exit codes of every command, in one place (documented in the README). */
export const ExitCode = {
  /** Every SLO met; the command did what was asked. */
  Ok: 0,
  /** An SLO was breached, or a probe's attempt did not succeed. */
  SloBreached: 1,
  /** Invalid input, a lab that could not start, or a fault's heal that failed on a system the lab does not own (`command`). */
  InvalidInput: 2,
  /** Aborted by SIGINT after healing faults and writing an aborted result. */
  Interrupted: 130,
  /** Aborted by SIGTERM. */
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
