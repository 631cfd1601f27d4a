import type { LoadTargetSpec } from '../load/index.js';
import type { AttemptRecord } from '../metrics/index.js';

/** What a generator worker is started with: the target without hooks (functions do not cross threads). */
export interface WorkerData {
  readonly target: Omit<LoadTargetSpec, 'serverReason'>;
}

export type WorkerRequest =
  | {
      readonly type: 'step';
      readonly id: number;
      /** This worker's share of the offered rate. */
      readonly ratePerSecond: number;
      readonly warmupMs: number;
      readonly durationMs: number;
      /** Delay before this worker's schedule starts, so that the workers' arrivals interleave. */
      readonly offsetMs: number;
      readonly maxInFlight?: number;
    }
  | { readonly type: 'abort' };

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'records'; readonly id: number; readonly records: readonly AttemptRecord[] }
  | {
      readonly type: 'done';
      readonly id: number;
      /** Attempts the in-flight bound refused during the whole step (warm-up included). */
      readonly dropped: number;
      readonly peakInFlight: number;
      /** Share of the measured window this worker's event loop was busy (0..1). */
      readonly eventLoopUtilization: number;
      /** How late this worker's event loop ran in the measured window (p99 and worst), ms. */
      readonly eventLoopDelayP99Ms: number;
      readonly eventLoopDelayMaxMs: number;
    }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly code: string | undefined };
