export * from './run-result.js';
export { parseRunResult, readRunResult } from './read-result.js';
export { commandEnding } from './fault-command-ending.js';
