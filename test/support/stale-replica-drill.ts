import type { RunOutcome } from '../../src/run/index.js';
import { retryIfMachineSpoiled, starvedTimeouts } from './machine-noise.js';
import { runDrill } from './run-drill.js';

/**
 * Runs a stale-replica drill (stale-replicas-1-of-3*, stale-server-cert-1-of-3*) with its log lines
 * kept for expectStaleReplicaSplit (./replica-split.ts). Every replica answers every attempt
 * (refused or not): handshake timeouts are a starved machine's (at load 11-14 they took most of a
 * run, even the baseline), and such a run is run once more; a wrong category or attribution is
 * left for the caller's assertions to fail at once.
 */
export async function runStaleReplicaDrill(
  drill: string,
  durationMs: number | undefined,
): Promise<{ readonly outcome: RunOutcome; readonly logs: readonly string[] }> {
  return retryIfMachineSpoiled(
    async () => {
      const lines: string[] = [];
      const run = await runDrill(drill, { onLog: (line) => lines.push(line), ...(durationMs === undefined ? {} : { durationMs }) });
      return { outcome: run, logs: lines };
    },
    (run) => starvedTimeouts(['ok', 'unknown_ca'])(run.outcome),
  );
}
