/**
 * One base class for every error a user can act on: a stable code (asserted by tests and
 * documented), a message, and a hint that says what to do. Low-level errors are wrapped where
 * the context is known (which file, which component, which port) and kept as `cause`.
 */
export interface ErrorContext {
  /** The file the problem is in (a scenario, a key, a certificate). */
  readonly file?: string;
  /** The field path inside that file, e.g. ['load', 'rate']. */
  readonly path?: readonly (string | number)[];
  /** What to do about it. */
  readonly hint?: string;
  readonly cause?: unknown;
}

export class MtlsChaosError extends Error {
  readonly code: string;
  readonly file: string | undefined;
  readonly path: readonly (string | number)[] | undefined;
  readonly hint: string | undefined;

  constructor(code: string, message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = context.file;
    this.path = context.path;
    this.hint = context.hint;
  }
}

/** Bad input from the user: a flag, a file, a field. Exit code 2. */
export class UsageError extends MtlsChaosError {}

/** The PKI could not be built or read. Exit code 2. */
export class PkiError extends MtlsChaosError {}
