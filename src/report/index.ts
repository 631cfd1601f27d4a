export type { Reporter } from './reporter.js';
export { JsonReporter, RESULT_FILE_NAME } from './json-reporter.js';
export { MarkdownReporter, SUMMARY_FILE_NAME, renderMarkdownSummary } from './markdown-reporter.js';
export { renderConsoleSummary } from './console-summary.js';
export { DEFAULT_REPORTERS, REPORTER_NAMES, createReporter, writeReports } from './reporters.js';
export type { ReporterName } from './reporters.js';
export { writeFileAtomic } from './atomic-write.js';
