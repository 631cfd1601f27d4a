/** The load generator: attempts, open and closed loops, probes, keep-alive request load. */
export { arrivalTimesMs, peakRatePerSecond } from './arrival-schedule.js';
export { REPLICA_HEADER, runAttempt } from './attempt.js';
export type { AttemptOptions, AttemptOutcome, AttemptTiming } from './attempt.js';
export { REASON_HEADER, classifyError, classifyHttpAnswer, errorCode } from './classify-error.js';
export type { Classification, ErrorContext } from './classify-error.js';
export { ANONYMOUS_IDENTITY_NAME, PreparedIdentity, splitPemCertificates } from './client-identity.js';
export type { ClientIdentity, ClientTlsOffer } from './client-identity.js';
export { ClientCertificateDiagnoser } from './diagnose-client-certificate.js';
export type { AttemptContext, Diagnosis, DiagnoserOptions, ServerReasonHook } from './diagnose-client-certificate.js';
export {
  DEFAULT_REVOCATION_INTERVAL_MS,
  DEFAULT_REVOCATION_TIMEOUT_MS,
  REVOCATION_FETCH_SCOPES,
  RevocationLookup,
  isLoopbackUrl,
} from './revocation-lookup.js';
export type { RevocationFetchScope, RevocationFinding, RevocationLookupOptions } from './revocation-lookup.js';
export { runKeepAliveLoad } from './keep-alive-load.js';
export type { KeepAliveLoadOptions, KeepAliveLoadResult } from './keep-alive-load.js';
export { plannedAttempts, profileDurationMs } from './load-profile.js';
export type { LoadProfile } from './load-profile.js';
export { LATE_START_THRESHOLD_MS } from './load-tally.js';
export type { LoadProgress } from './load-tally.js';
export { DEFAULT_ATTEMPT_TIMEOUT_MS, parseTargetUrl, resolveTarget } from './load-target.js';
export type { LoadTargetSpec, ParsedTargetUrl, ResolvedTarget } from './load-target.js';
export { probe } from './probe.js';
export type { ProbeOptions, ProbeResult, ServerCertificateSummary } from './probe.js';
export { MAX_RATE_PER_SECOND, formatRate, parseRate } from './rate.js';
export { MAX_CONCURRENCY, MAX_IN_FLIGHT, MAX_LOAD_DURATION_MS, checkLoadProfile, defaultInFlightLimit, runLoad } from './run-load.js';
export type { LoadControl, LoadOutcome, RunLoadOptions } from './run-load.js';
export { ALLOW_TARGETS_ENV, ALLOW_TARGET_FLAG, TargetAllowList, formatHostPort, guardTarget, isLoopbackHost, parseHostPort } from './target-guard.js';
export type { GuardedTarget, TargetHost } from './target-guard.js';
