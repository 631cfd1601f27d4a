/**
 * One load-generator worker thread: runs the open-loop share of each step it is sent and streams
 * the measured attempts back. Attempts due during the warm-up are run but not sent (not counted).
 * Its event-loop utilisation over the measured window says whether this thread kept up: a thread
 * busy nearly all the time starts attempts late whatever the gateway does.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { runLoad } from '../load/index.js';
import type { AttemptRecord } from '../metrics/index.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './generator-messages.js';

const BATCH_MS = 250;
const EVENT_LOOP_RESOLUTION_MS = 10;
const port = parentPort;
if (!port) throw new Error('generator-worker runs as a worker thread');
const { target } = workerData as WorkerData;
let controller: AbortController | undefined;

const send = (reply: WorkerReply) => port.postMessage(reply);

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'abort') {
    controller?.abort();
    return;
  }
  void runStep(request).catch((error: unknown) => send({ type: 'error', id: request.id, message: (error as Error).message ?? String(error), code: (error as { code?: string }).code }));
});
send({ type: 'ready' });

async function runStep(request: Extract<WorkerRequest, { type: 'step' }>): Promise<void> {
  controller = new AbortController();
  const signal = controller.signal;
  if (request.warmupMs + request.durationMs - request.offsetMs <= 0) {
    // A rate so low that none of this worker's arrivals falls in the step.
    send({ type: 'done', id: request.id, dropped: 0, peakInFlight: 0, eventLoopUtilization: 0, eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0 });
    return;
  }
  // Workers start a fraction of an interval apart so that their arrivals interleave.
  if (request.offsetMs > 0) await new Promise((resolve) => setTimeout(resolve, request.offsetMs));
  let batch: AttemptRecord[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    send({ type: 'records', id: request.id, records: batch });
    batch = [];
  };
  const flusher = setInterval(flush, BATCH_MS);
  let eluAtStart: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  let eluMeasured: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  // How late this thread's timers fired in the measured window: a thread descheduled by a busy
  // neighbour shows here even when its utilisation is low (it was not busy, it was not running).
  const delay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  // Times below are on the step's clock: this worker's schedule starts offsetMs into the step, so
  // that together the workers' schedules are exactly the step's schedule, split round-robin.
  const warmupLocalMs = Math.max(0, request.warmupMs - request.offsetMs);
  const endLocalMs = request.warmupMs + request.durationMs - request.offsetMs;
  const startTimer = setTimeout(() => {
    eluAtStart = performance.eventLoopUtilization();
    delay.enable();
  }, warmupLocalMs);
  const endTimer = setTimeout(() => {
    if (eluAtStart) eluMeasured = performance.eventLoopUtilization(eluAtStart);
    delay.disable();
  }, endLocalMs);
  try {
    const outcome = await runLoad(
      { kind: 'constant-rate', ratePerSecond: request.ratePerSecond, durationMs: endLocalMs },
      target,
      {
        signal,
        ...(request.maxInFlight === undefined ? {} : { maxInFlight: request.maxInFlight }),
        onAttempt: (record) => {
          if (record.scheduledAtMs + request.offsetMs >= request.warmupMs) batch.push(record);
        },
      },
    );
    flush();
    send({
      type: 'done',
      id: request.id,
      dropped: outcome.dropped,
      peakInFlight: outcome.peakInFlight,
      eventLoopUtilization: (eluMeasured ?? (eluAtStart ? performance.eventLoopUtilization(eluAtStart) : performance.eventLoopUtilization())).utilization,
      ...eventLoopDelayMs(delay),
    });
  } finally {
    clearInterval(flusher);
    clearTimeout(startTimer);
    clearTimeout(endTimer);
    delay.disable();
  }
}

/**
 * The histogram's samples are the delay past the resolution's own timer, in ns; with no sample
 * (a window shorter than the resolution) it reports huge minima, so 0 then.
 */
function eventLoopDelayMs(delay: IntervalHistogram): { eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number } {
  if (delay.count === 0) return { eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0 };
  const ms = (ns: number) => Math.round(Math.max(0, ns / 1e6 - EVENT_LOOP_RESOLUTION_MS) * 10) / 10;
  return { eventLoopDelayP99Ms: ms(delay.percentile(99)), eventLoopDelayMaxMs: ms(delay.max) };
}
