import type { ErrorCategory } from '../../src/metrics/index.js';
import type { RunResult } from '../../src/result/index.js';
import type { RunOutcome } from '../../src/run/index.js';

/**
 * Runs a real-time measurement again when the machine spoiled it, `runs` times at most in all.
 * `spoiled` says why a run is the machine's noise rather than the system's behaviour (undefined:
 * it is not); an unspoiled run is returned at once, and the last run is returned whatever it
 * shows, so a real regression, which shows in every run, still fails the caller's assertions.
 * Each retry is printed, so a CI log says when one happened.
 */
export async function retryIfMachineSpoiled<T>(run: () => Promise<T>, spoiled: (outcome: T) => string | undefined, runs = 2): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await run();
    const reason = spoiled(outcome);
    if (reason === undefined || attempt >= runs) return outcome;
    console.warn(`run ${attempt} of ${runs} spoiled by the machine (${reason}); running it again`);
  }
}

/**
 * The machine's noise in a drill whose gateway answers every attempt: the load's own timeouts
 * (handshake_timeout), when a CPU-starved gateway or generator cannot finish a handshake within
 * the drill's timeout, and otherwise only the `expected` categories. A run with any other
 * category is not noise (undefined): the caller's assertions judge it at once.
 */
export function starvedTimeouts(expected: readonly ErrorCategory[]): (outcome: RunOutcome) => string | undefined {
  return ({ result }) => {
    const timeouts = result.summary.categories.handshake_timeout ?? 0;
    if (timeouts === 0) return undefined;
    const others = categoriesSeen(result).filter((category) => category !== 'handshake_timeout' && !expected.includes(category));
    return others.length > 0 ? undefined : `${timeouts} of ${result.summary.attempts} attempts timed out`;
  };
}

function categoriesSeen(result: RunResult): ErrorCategory[] {
  return (Object.entries(result.summary.categories) as [ErrorCategory, number][]).filter(([, count]) => (count ?? 0) > 0).map(([category]) => category);
}
