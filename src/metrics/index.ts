export { ERROR_CATEGORIES, emptyCategoryCounts, isErrorCategory } from './error-category.js';
export type { ErrorCategory } from './error-category.js';
export { PHASES } from './attempt-record.js';
export type { AttemptRecord, Phase } from './attempt-record.js';
export {
  GENERATOR_SATURATED_CPU_PERCENT,
  MetricsRecorder,
  SCHEDULE_SLIPPED_RATIO,
} from './metrics-recorder.js';
export type { LoadWindow, MetricsRecorderOptions, RecordedMetrics, RecorderObserver } from './metrics-recorder.js';
export { LatencyHistogram, emptyLatencySummary } from './latency-histogram.js';
export { summarizeCpuSamples } from './cpu-series.js';
export { phaseDurationsMs } from './phase-durations.js';
export { measureRecovery } from './recovery.js';
export { TIMELINE_BUCKET_MS } from './timeline-bucket-builder.js';
export { CumulativeCpuMeter, OwnCpuMeter, ProcessCpuMeter, clockTicksPerSecond, startCpuSampling } from './cpu-sampler.js';
export type { CpuUsageReading } from './cpu-sampler.js';
export type { CpuSamplingOptions } from './cpu-sampler.js';
