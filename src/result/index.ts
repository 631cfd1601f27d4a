export * from './run-result.js';
