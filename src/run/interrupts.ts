/**
 * Turns SIGINT/SIGTERM into cancellation. The first signal aborts the run's AbortSignal so the
 * load stops, faults heal, components stop and the result is written, marked aborted. A second
 * signal means "stop now": it aborts `urgent`, on which the run kills every process group it
 * registered and removes its temp folder at once, skipping the graceful waits; then
 * `onSecondSignal` runs (the CLI bounds the exit from there).
 */
export interface Interrupts {
  readonly signal: AbortSignal;
  /** Aborted by the second signal: stop now. */
  readonly urgent: AbortSignal;
  /** The signal that aborted the run, if any. */
  received(): NodeJS.Signals | undefined;
  dispose(): void;
}

export function watchInterrupts(onSecondSignal: (name: NodeJS.Signals) => void = () => undefined): Interrupts {
  const controller = new AbortController();
  const urgent = new AbortController();
  let first: NodeJS.Signals | undefined;
  const handler = (name: NodeJS.Signals) => {
    if (first) {
      if (urgent.signal.aborted) return;
      process.stderr.write(`${name} again: stopping now (killing the lab's processes, removing its temp folder, skipping graceful waits)\n`);
      urgent.abort(new Error(`stopped now by a second ${name}`));
      onSecondSignal(name);
      return;
    }
    first = name;
    process.stderr.write(
      `\n${name} received: stopping the load, healing faults, stopping the lab, writing the result ` +
        '(a few seconds; it will not leave processes behind). Press Ctrl-C again to stop now.\n',
    );
    controller.abort(new Error(`aborted by ${name}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    urgent: urgent.signal,
    received: () => first,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
