/**
 * Turns SIGINT/SIGTERM into cancellation. The first signal aborts the run's AbortSignal so the
 * load stops, faults heal, components stop and the partial result is written; a second SIGINT
 * asks for a faster stop (`onSecondSignal`), which still removes every process.
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
      onSecondSignal();
      return;
    }
    first = name;
    process.stderr.write(`\n${name} received: stopping the load, healing faults, stopping the lab (again to hurry)\n`);
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
