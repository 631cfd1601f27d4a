import { mkdir } from 'node:fs/promises';
import { JsonReporter } from '../report/index.js';
import type { RunResult } from '../result/index.js';

/** How often a run writes its result so far, unless told otherwise (`run --checkpoint-every`). */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;

export interface ResultCheckpoints {
  /** Stops the timer and waits for a write in progress, so that none lands after the final result. */
  stop(): Promise<void>;
}

/**
 * Writes result.json every `intervalMs` while a run goes on (status `running`), atomically like
 * every report, so that a harness killed mid-run (SIGKILL, an OOM kill, a CI runner torn down)
 * still leaves what it measured up to the last checkpoint. `build` returns undefined while there
 * is nothing to write yet (the lab is starting). A failed write is not fatal: the run goes on and
 * the final result is still written (or fails loudly) at the end.
 */
export function startResultCheckpoints(options: {
  readonly dir: string;
  readonly intervalMs: number;
  readonly build: () => RunResult | undefined;
  readonly log: (line: string) => void;
}): ResultCheckpoints {
  const reporter = new JsonReporter();
  let writing: Promise<void> = Promise.resolve();
  let stopped = false;
  let warned = false;
  const timer = setInterval(() => {
    if (stopped) return;
    // Serialised: a slow disk must not let an older checkpoint land after a newer one.
    writing = writing.then(async () => {
      if (stopped) return;
      const result = options.build();
      if (!result) return;
      try {
        await mkdir(options.dir, { recursive: true });
        await reporter.write(result, options.dir);
      } catch (error) {
        if (!warned) options.log(`could not write the checkpoint of result.json: ${(error as Error).message}`);
        warned = true;
      }
    });
  }, options.intervalMs);
  // A checkpoint never keeps the process alive on its own.
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await writing;
    },
  };
}

/** What a checkpoint knows mid-run; the rest of a RunResult (SLO verdicts, recovery) needs the end. */
export interface CheckpointInput {
  readonly base: Pick<RunResult, 'schemaVersion' | 'tool' | 'scenario' | 'startedAt' | 'lab'>;
  readonly load: RunResult['load'];
  readonly measured: Pick<RunResult, 'summary' | 'byPhase' | 'byReplica' | 'timeline' | 'cpu' | 'errorSamples' | 'phases' | 'faults'>;
}

export function checkpointResult(input: CheckpointInput): RunResult {
  return {
    ...input.base,
    status: 'running',
    verdict: 'fail',
    endedAt: new Date().toISOString(),
    load: input.load,
    ...input.measured,
    slos: [],
    warnings: [
      {
        code: 'RESULT_CHECKPOINT',
        message:
          `a checkpoint written ${Math.round(input.load.actualDurationMs / 1_000)} s into the load; SLOs are judged at the end. ` +
          'If the run is over and this is still here, the harness was killed before it wrote its final result: run `mtls-chaos cleanup`.',
      },
    ],
  };
}
