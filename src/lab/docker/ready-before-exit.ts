import { setTimeout as delay } from 'node:timers/promises';
import type Docker from 'dockerode';

/**
 * Resolves once `ready` does. Rejects with the reason a start error names when the container exits
 * first or `timeoutMs` passes, and with `signal.reason` on an abort. `ready` gets a signal that
 * ends with the race, so its polling stops whoever won; so does the engine's wait request.
 */
export async function readyBeforeExit(
  container: Docker.Container,
  timeoutMs: number,
  signal: AbortSignal,
  ready: (signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  signal.throwIfAborted();
  const race = new AbortController();
  const onAbort = () => race.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([
      ready(race.signal),
      container.wait({ abortSignal: race.signal }).then(() => {
        throw new Error('exited before it was ready');
      }),
      delay(timeoutMs, undefined, { signal: race.signal }).then(() => {
        throw new Error(`was not ready within ${timeoutMs} ms`);
      }),
    ]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    race.abort();
  }
}
