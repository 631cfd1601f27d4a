import type { FaultCommandRecord } from './run-result.js';

/** How a fault's command ended, in a few words: "exit 0 in 120 ms", "timed out after 5 s (process group killed)". */
export function commandEnding(record: FaultCommandRecord): string {
  if (record.error) return record.error;
  if (record.timedOut) return `timed out after ${record.timeoutMs / 1000} s (process group killed)`;
  if (record.aborted) return `killed after ${record.durationMs} ms: the run was aborted`;
  if (record.exitCode === undefined) return `killed by ${record.signal ?? 'a signal'} after ${record.durationMs} ms`;
  return `exit ${record.exitCode} in ${record.durationMs} ms`;
}
