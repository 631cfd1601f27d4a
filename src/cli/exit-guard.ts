import { MtlsChaosError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatError } from './format-error.js';

export interface ExitGuardOptions {
  readonly debug: boolean;
  /**
   * Why the work may never have finished, when something knows better than the generic message
   * (e.g. the scenario module whose top-level await never settled); undefined when it does not.
   */
  readonly explainUnsettled?: () => MtlsChaosError | undefined;
  /** Where the error goes; process.stderr outside tests. */
  readonly stderr?: { write(text: string): unknown };
}

/**
 * Runs the command's main promise under one process-level promise: exit 0 only after that work
 * settled successfully. A promise that never settles, an uncaught exception or an unhandled
 * rejection ends with an `error[E_...]` line, its hint and exit 2, never a stack trace (unless
 * --debug) and never exit 0 or 1 (1 means "an SLO was breached").
 *
 * Node's own guard is not enough: for a top-level await that never settles it sets exit code 13
 * in an 'exit' listener with `process.exitCode ??= 13`, but signal-exit 3 (loaded by
 * testcontainers -> proper-lockfile, node_modules/proper-lockfile/node_modules/signal-exit/index.js)
 * replaces process.emit and assigns `process.exitCode = 0` from the 'exit' event's argument
 * before any listener runs, so the process exited 0 with nothing checked. Hence 'beforeExit'
 * (the event loop ran dry while the work was pending) sets the code before 'exit' is emitted,
 * and an 'exit' listener put first catches an early `process.exit(0)` by anything else.
 */
export function runGuarded(main: () => Promise<void>, options: ExitGuardOptions): void {
  const stderr = options.stderr ?? process.stderr;
  let settled = false;
  let reported = false;

  const fail = (error: unknown): void => {
    if (!reported) stderr.write(`${formatError(error, options.debug)}\n`);
    reported = true;
    process.exitCode = ExitCode.InvalidInput;
  };
  const failUnsettled = (): void => {
    fail(options.explainUnsettled?.() ?? new MtlsChaosError('E_UNSETTLED', 'the command stopped before its work finished: nothing was left to wait for', {
      hint: 'a scenario module whose top-level await waits for something that never happens does this; run again with --debug and report it if not',
    }));
  };
  const failUncaught = (error: unknown): void => {
    fail(error instanceof MtlsChaosError ? error : uncaught(error));
    // As Node would after an uncaught exception: the process state is unknown, stop now ('exit'
    // listeners still run); the code is ours, not Node's 1.
    process.exit();
  };

  process.on('beforeExit', () => {
    if (!settled) failUnsettled();
  });
  process.prependListener('exit', () => {
    // An exit while the work is pending, e.g. a dependency's process.exit(0): never a success or
    // a verdict. An interrupt's 130/143 stays.
    const code = Number(process.exitCode ?? 0);
    if (!settled && (code === ExitCode.Ok || code === ExitCode.SloBreached)) failUnsettled();
  });
  process.on('uncaughtException', failUncaught);
  process.on('unhandledRejection', failUncaught);

  main().then(
    () => {
      settled = true;
    },
    (error: unknown) => {
      settled = true;
      fail(error);
    },
  );
}

/** An exception nothing caught: ours or a scenario module's own timer or event, with its message. */
function uncaught(error: unknown): MtlsChaosError {
  const message = error instanceof Error ? error.message : String(error);
  return new MtlsChaosError('E_UNCAUGHT', `an exception nothing caught: ${message}`, {
    cause: error,
    hint: 'from a scenario module\'s own code (a timer or a promise it started) or a bug in mtls-chaos; run again with --debug for the stack trace',
  });
}
