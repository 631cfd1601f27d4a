import { performance } from 'node:perf_hooks';
import { runAttempt } from './attempt.js';
import type { LoopContext } from './open-loop.js';

/**
 * N workers, each starting its next attempt as soon as the previous one ended: a fixed number
 * of attempts in flight. The offered rate follows the gateway's speed (coordinated by design),
 * which is what a capacity ceiling measurement wants; use the open loop for latency SLOs.
 * A worker starts its next attempt once the outcome is known; the finished attempt's socket
 * closes meanwhile (AttemptOutcome.socketClosed), and the loop ends only when all have closed.
 */
export async function runClosedLoop(concurrency: number, durationMs: number, context: LoopContext): Promise<void> {
  const { tally, signal, startAt } = context;
  const endAt = startAt + durationMs;
  const worker = async () => {
    let closing: Promise<void> | undefined;
    while (!signal.aborted && performance.now() < endAt) {
      const dueAt = performance.now();
      tally.started();
      const outcome = await runAttempt(context.target, context.nextIdentity(), { dueAt, scheduledAtMs: dueAt - startAt }, { signal });
      closing = outcome.socketClosed;
      tally.finished(outcome.aborted ? undefined : outcome.record);
      if (!outcome.aborted) context.onAttempt(outcome.record, outcome.diagnosis);
    }
    await closing;
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
