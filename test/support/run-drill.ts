import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { AttemptRecord } from '../../src/metrics/attempt-record.js';
import { runScenario, type RunOutcome } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { REPO_ROOT } from './run-cli.js';

/**
 * Runs a built-in drill for real (its lab, load and faults), in-process, writing its reports to
 * a temp folder removed when the test finishes. `abortAfterMs` aborts it as Ctrl-C would. `name`
 * is a drill of scenarios/ ("ocsp-slow"), or a file under it ("examples/own-nginx-ocsp-outage.yaml").
 */
export async function runDrill(
  name: string,
  options: {
    durationMs?: number;
    abortAfterMs?: number;
    /** Aborts `afterMs` after the run logs a line matching `line` (e.g. a fault's inject), whatever the lab's start took. */
    abortAfterLog?: { line: RegExp; afterMs: number };
    /**
     * Aborts `afterMs` after the first finished attempt that `matches` (e.g. the fault's category):
     * the fault is known to be in effect, however long a busy machine took to get there.
     */
    abortAfterAttempt?: { matches: (record: AttemptRecord) => boolean; afterMs: number };
    /** Replaces the drill's runtime, as `run --runtime` does. */
    runtime?: 'local' | 'docker';
    /** Every line the run logs (lab events, faults). */
    onLog?: (line: string) => void;
  } = {},
): Promise<RunOutcome> {
  const file = /\.(ts|yaml)$/.test(name) ? name : `${name}.ts`;
  const outDir = await mkdtemp(join(tmpdir(), `mtls-chaos-drill-${basename(name).replace(/\.\w+$/, '')}-`));
  onTestFinished(() => rm(outDir, { recursive: true, force: true }));
  const scenario = await loadScenario(join(REPO_ROOT, 'scenarios', file));
  const controller = new AbortController();
  let timer = options.abortAfterMs === undefined ? undefined : setTimeout(() => controller.abort(new Error('test abort')), options.abortAfterMs);
  const abortIn = (ms: number) => {
    timer ??= setTimeout(() => controller.abort(new Error('test abort')), ms);
  };
  const { abortAfterLog, abortAfterAttempt } = options;
  const log =
    abortAfterLog || options.onLog
      ? (line: string) => {
          options.onLog?.(line);
          if (abortAfterLog?.line.test(line)) abortIn(abortAfterLog.afterMs);
        }
      : undefined;
  const onAttempt = abortAfterAttempt
    ? (record: AttemptRecord) => {
        if (abortAfterAttempt.matches(record)) abortIn(abortAfterAttempt.afterMs);
      }
    : undefined;
  try {
    return await runScenario(scenario, {
      outDir,
      signal: controller.signal,
      abortedBy: () => (controller.signal.aborted ? 'SIGINT' : undefined),
      ...(options.durationMs === undefined ? {} : { durationMs: options.durationMs }),
      ...(options.runtime ? { runtime: options.runtime } : {}),
      ...(log ? { log } : {}),
      ...(onAttempt ? { onAttempt } : {}),
    });
  } finally {
    clearTimeout(timer);
  }
}
