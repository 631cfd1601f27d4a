export { runScenario, TOOL_VERSION } from './run-scenario.js';
export type { RunOptions, RunOutcome } from './run-scenario.js';
export { watchInterrupts } from './interrupts.js';
export type { Interrupts } from './interrupts.js';
export { newRunId } from './run-id.js';
export { withDuration } from './with-duration.js';
export type { ExternalLoadInfo, ExternalLoadOptions } from './external-load.js';
