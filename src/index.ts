/** The library face of mtls-chaos: what drills, tests and other tools import. */
export * from './pki/index.js';
export { MtlsChaosError, PkiError, UsageError } from './errors.js';
export { ExitCode } from './exit-codes.js';
export { formatDuration, parseDuration } from './duration.js';
