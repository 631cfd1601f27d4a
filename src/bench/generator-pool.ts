import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MtlsChaosError, UsageError } from '../errors.js';
import type { LoadTargetSpec } from '../load/index.js';
import type { AttemptRecord } from '../metrics/index.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './generator-messages.js';

export const MAX_GENERATOR_WORKERS = 16;

/**
 * Worker threads by default: one per core when the gateway runs elsewhere (every core is ours);
 * one per core less one left to the gateway when it runs on this machine (at least one). One
 * Node thread does a few hundred full mTLS handshakes/s; more threads make the gateway, not us,
 * what saturates.
 */
export function defaultGeneratorWorkers(targetOnThisMachine: boolean, cores = availableParallelism()): number {
  return Math.max(1, Math.min(MAX_GENERATOR_WORKERS, targetOnThisMachine ? cores - 1 : cores));
}

export interface PoolStep {
  readonly ratePerSecond: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Bound on attempts in flight across the whole pool (split between the workers); default the load's own. */
  readonly maxInFlight?: number;
  /** Each measured attempt, with scheduledAtMs counted from the start of the measured window. */
  readonly onAttempt: (record: AttemptRecord) => void;
  readonly signal?: AbortSignal;
}

export interface PoolStepOutcome {
  readonly dropped: number;
  readonly peakInFlight: number;
  /** The busiest worker's event-loop utilisation over the measured window (0..1). */
  readonly maxEventLoopUtilization: number;
  /** Each worker's event-loop utilisation over the measured window (0..1), in worker order. */
  readonly workerBusy: readonly number[];
  /** The worst worker's event-loop delay over the measured window: its p99 and its maximum, ms. */
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
}

interface PendingStep {
  readonly onAttempt: (record: AttemptRecord) => void;
  readonly offsetMs: number;
  readonly warmupMs: number;
  readonly replies: Map<Worker, Extract<WorkerReply, { type: 'done' }>>;
  readonly expected: number;
  readonly resolve: (outcome: PoolStepOutcome) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The load generator spread over worker threads: each step's rate is split evenly between them
 * and each runs its share open loop. The main thread only gathers records (and samples CPU), so
 * its own timers never delay an attempt's start.
 */
export class GeneratorPool implements AsyncDisposable {
  readonly #workers: Worker[];
  readonly #offsets = new Map<Worker, number>();
  #pending: PendingStep | undefined;
  #nextId = 1;
  #closed = false;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    for (const worker of workers) {
      worker.on('message', (reply: WorkerReply) => this.#onReply(worker, reply));
      worker.on('error', (error) => this.#pending?.reject(error));
      worker.on('exit', (code) => {
        if (!this.#closed) this.#pending?.reject(new Error(`a generator worker exited with code ${code}`));
      });
    }
  }

  static async start(target: Omit<LoadTargetSpec, 'serverReason'>, workerCount: number): Promise<GeneratorPool> {
    const data: WorkerData = { target };
    const workers = Array.from({ length: workerCount }, () => spawnWorker(data));
    try {
      await Promise.all(workers.map((worker) => waitReady(worker)));
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw new MtlsChaosError('E_BENCH_GENERATOR', `the load generator's worker threads did not start: ${(error as Error).message}`, {
        hint: 'run with --workers 1, or --debug for the stack trace',
        cause: error,
      });
    }
    return new GeneratorPool(workers);
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Offers `ratePerSecond` for warm-up + duration across the workers; resolves when every attempt ended. */
  runStep(step: PoolStep): Promise<PoolStepOutcome> {
    if (this.#pending) throw new Error('one step at a time');
    const id = this.#nextId++;
    const count = this.#workers.length;
    const share = step.ratePerSecond / count;
    // Each worker runs its share as a load of its own, which refuses less than one attempt: say
    // so in bench's terms here rather than as a worker's internal error.
    if (share * (step.durationMs / 1000) < 1) {
      return Promise.reject(
        new UsageError('E_BENCH_STEP', `a step of ${step.ratePerSecond}/s for ${step.durationMs / 1000}s gives each of the ${count} generator workers less than one attempt`, {
          hint: 'lengthen --step, raise --start, or run with --workers 1',
        }),
      );
    }
    const inFlightShare = step.maxInFlight === undefined ? undefined : Math.max(1, Math.floor(step.maxInFlight / count));
    return new Promise<PoolStepOutcome>((resolve, reject) => {
      const onAbort = () => {
        for (const worker of this.#workers) worker.postMessage({ type: 'abort' } satisfies WorkerRequest);
      };
      step.signal?.addEventListener('abort', onAbort, { once: true });
      const finish = () => {
        step.signal?.removeEventListener('abort', onAbort);
        this.#pending = undefined;
      };
      this.#pending = {
        onAttempt: step.onAttempt,
        offsetMs: 0,
        warmupMs: step.warmupMs,
        replies: new Map(),
        expected: count,
        resolve: (outcome) => {
          finish();
          resolve(outcome);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      };
      this.#workers.forEach((worker, index) => {
        // Worker i takes arrivals i, i+N, i+2N... of the step's schedule: it starts i arrivals late.
        const offsetMs = index * (1_000 / step.ratePerSecond);
        this.#offsets.set(worker, offsetMs);
        worker.postMessage({
          type: 'step',
          id,
          ratePerSecond: share,
          warmupMs: step.warmupMs,
          durationMs: step.durationMs,
          offsetMs,
          ...(inFlightShare === undefined ? {} : { maxInFlight: inFlightShare }),
        } satisfies WorkerRequest);
      });
      if (step.signal?.aborted) onAbort();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #onReply(worker: Worker, reply: WorkerReply): void {
    const pending = this.#pending;
    if (!pending || reply.type === 'ready') return;
    if (reply.type === 'error') {
      pending.reject(Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {}));
      return;
    }
    const shiftMs = (this.#offsets.get(worker) ?? 0) - pending.warmupMs;
    if (reply.type === 'records') {
      for (const record of reply.records) pending.onAttempt({ ...record, scheduledAtMs: record.scheduledAtMs + shiftMs });
      return;
    }
    pending.replies.set(worker, reply);
    if (pending.replies.size < pending.expected) return;
    const replies = this.#workers.map((each) => pending.replies.get(each)!);
    pending.resolve({
      dropped: replies.reduce((total, done) => total + done.dropped, 0),
      peakInFlight: replies.reduce((total, done) => total + done.peakInFlight, 0),
      maxEventLoopUtilization: Math.max(...replies.map((done) => done.eventLoopUtilization)),
      workerBusy: replies.map((done) => Math.round(done.eventLoopUtilization * 1_000) / 1_000),
      eventLoopDelayP99Ms: Math.max(...replies.map((done) => done.eventLoopDelayP99Ms)),
      eventLoopDelayMaxMs: Math.max(...replies.map((done) => done.eventLoopDelayMaxMs)),
    });
  }
}

/**
 * From dist/ the worker is the compiled sibling; from src/ (tests, tsx) a tiny ES module first
 * registers tsx in the new thread (Node 20 workers do not inherit the parent's --import hooks),
 * then imports the TypeScript entry.
 */
function spawnWorker(data: WorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./generator-worker.js', import.meta.url), { workerData: data });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./generator-worker.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: data });
}

function waitReady(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: WorkerReply) => {
      if (reply.type !== 'ready') return;
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`exited with code ${code} before it was ready`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
