/** The library face of mtls-chaos: what drills, tests and other tools import. */
export * from './pki/index.js';
export { MtlsChaosError, PkiError, UsageError } from './errors.js';
export { ExitCode } from './exit-codes.js';
export { formatDuration, parseDuration } from './duration.js';
export { defineScenario, loadScenario, validateScenario, describePlan } from './scenario/index.js';
export type { Scenario, ScenarioInput } from './scenario/index.js';
export { runScenario } from './run/index.js';
export type { RunOptions, RunOutcome } from './run/index.js';
export { runBench, searchKnee, startBenchLab } from './bench/index.js';
export type { BenchReport, BenchStep, BenchTarget, LimitedBy } from './bench/index.js';
export { probe, runLoad } from './load/index.js';
export type { LoadProfile, LoadTargetSpec, ProbeResult } from './load/index.js';
export { ERROR_CATEGORIES } from './metrics/index.js';
export type { AttemptRecord, ErrorCategory, Phase } from './metrics/index.js';
export { evaluateSlos, parseSlo } from './slo/index.js';
export { renderConsoleSummary, renderMarkdownSummary, writeReports } from './report/index.js';
export { RESULT_SCHEMA_VERSION } from './result/index.js';
export type { RunResult, SloVerdict } from './result/index.js';
