/** Capacity benchmarks: the knee search, the generator pool, the step runner, the matrix, the reports. */
export { BENCH_SCHEMA_VERSION, buildBenchReport, toBenchStep } from './bench-report.js';
export type { BenchReport, BenchSettings, BenchStep } from './bench-report.js';
export { formatBenchReport, formatStepLine, renderTable } from './bench-table.js';
export { GeneratorPool, MAX_GENERATOR_WORKERS, defaultGeneratorWorkers } from './generator-pool.js';
export { roundRate, searchKnee } from './knee-search.js';
export type { KneeSearchOptions, KneeSearchResult, LimitedBy, RunStep, SearchedStep, StepLimit, StepPhase, StepVerdict } from './knee-search.js';
export { GENERATOR_LIMITS, judgeStep } from './limit-attribution.js';
export type { StepJudgement } from './limit-attribution.js';
export { runBench } from './run-bench.js';
export type { BenchOptions, BenchTarget } from './run-bench.js';
export type { CpuPercentiles, GeneratorHealth, LatencyPercentiles, StepMeasurement } from './step-measurement.js';
export { startBenchLab } from './bench-lab.js';
export type { StartedBenchLab } from './bench-lab.js';
export { MATRIX_DIMENSIONS, describeConfiguration, formatMatrix, matrixCombinations, parseMatrixDimensions } from './bench-matrix.js';
export type { MatrixCombination, MatrixDimension, MatrixRow } from './bench-matrix.js';
export { buildBenchChartData, limitSentence, renderBenchHtml, writeBenchHtml } from './bench-html.js';
export type { BenchChartData, BenchChartSpec } from './bench-html.js';
export { BENCH_CHARTS_SCRIPT } from './bench-charts-script.js';
