import type { ErrorCategory } from '../metrics/index.js';
import type { SloVerdict } from '../result/index.js';
import type { StepPhase } from './knee-search.js';
import type { MachineLoad } from './machine-load.js';

export interface LatencyPercentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface CpuPercentiles {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** The generator's side of a step: what says whether it, not the gateway, was the limit. */
export interface GeneratorHealth {
  readonly workers: number;
  /** Attempts that started more than lateStartThresholdMs behind their schedule. */
  readonly lateStarts: number;
  /** 10 ms or two arrival intervals at the step's rate, whichever is longer. */
  readonly lateStartThresholdMs: number;
  readonly maxStartDelayMs: number;
  /** Attempts the generator's in-flight bound refused (never started). */
  readonly dropped: number;
  /** The busiest worker thread's event-loop utilisation in the measured window (0..1). */
  readonly maxEventLoopUtilization: number;
  /** Each worker thread's event-loop utilisation in the measured window (0..1): its busy time. */
  readonly workerBusy: readonly number[];
  /**
   * How late the generator's event loops ran in the measured window (the worst worker): p99 and
   * maximum, ms. A thread the machine did not schedule shows here even when it was not busy.
   */
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
}

/** What one step measured, warm-up excluded: one entry of `steps[]` in the bench JSON. */
export interface StepMeasurement {
  readonly index: number;
  readonly phase: StepPhase;
  readonly offeredRate: number;
  /** Arrivals the schedule had in the measured window (offeredRate x duration, give or take one). */
  readonly plannedAttempts: number;
  /** Attempts started per second of the measured window (late starts stretch the window, drops are missing). */
  readonly achievedRate: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly attempts: number;
  readonly succeeded: number;
  readonly successRate: number;
  readonly categories: Record<ErrorCategory, number>;
  readonly resumed: number;
  readonly latency: { readonly handshake: LatencyPercentiles; readonly total: LatencyPercentiles };
  /** Percent of one core; null when the gateway's processes are not known (an external URL without --gateway-pid). */
  readonly gatewayCpu: CpuPercentiles | null;
  /** This process, every thread (percent of one core). */
  readonly generatorCpu: CpuPercentiles;
  readonly generator: GeneratorHealth;
  /** The whole machine over the measured window: load average, CPU busy and steal. */
  readonly machine: MachineLoad;
  readonly slos: readonly SloVerdict[];
}
