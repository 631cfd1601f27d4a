/**
 * Turns SIGINT/SIGTERM into cancellation. The first signal aborts the run's AbortSignal so the
 * load stops, faults heal, components stop and the partial result is written. A second signal
 * does not skip that (it would leave processes and keys behind); it is acknowledged and passed to
 * `onSecondSignal`.
 */
export interface Interrupts {
  readonly signal: AbortSignal;
  /** The signal that aborted the run, if any. */
  received(): NodeJS.Signals | undefined;
  dispose(): void;
}

export function watchInterrupts(onSecondSignal: () => void = () => undefined): Interrupts {
  const controller = new AbortController();
  let first: NodeJS.Signals | undefined;
  const handler = (name: NodeJS.Signals) => {
    if (first) {
      // Cleanup is already under way and bounded (components get SIGKILL after a grace period);
      // quitting here would leave processes and keys behind, so say so instead.
      process.stderr.write(`${name} again: still cleaning up, almost done\n`);
      onSecondSignal();
      return;
    }
    first = name;
    process.stderr.write(`\n${name} received: stopping the load, healing faults, stopping the lab, writing the result (it takes a few seconds; it will not leave processes behind)\n`);
    controller.abort(new Error(`aborted by ${name}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    received: () => first,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
