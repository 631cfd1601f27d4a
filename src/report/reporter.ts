import type { RunResult } from '../result/run-result.js';

/** Renders a RunResult into one file of a run's folder (STYLE.md: reporters are registered by name). */
export interface Reporter {
  readonly name: string;
  /** Writes its file into `dir` (which exists) atomically; returns the file's path. */
  write(result: RunResult, dir: string): Promise<string>;
}
