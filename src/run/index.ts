export { runScenario, TOOL_VERSION } from './run-scenario.js';
export type { RunOptions, RunOutcome } from './run-scenario.js';
export { watchInterrupts } from './interrupts.js';
export type { Interrupts } from './interrupts.js';
export { newRunId } from './run-id.js';
export { withDuration } from './with-duration.js';
export { LiveView, PLAIN_INTERVAL_MS, renderLiveBlock, renderPlainLine } from './live-view.js';
export type { LiveOutput, RecentRates } from './live-view.js';
export type { LiveSlo, LiveStatus } from './live-status.js';
