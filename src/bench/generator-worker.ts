/**
 * One load-generator worker thread: runs the open-loop share of each step it is sent and streams
 * the measured attempts back. Attempts due during the warm-up are run but not sent (not counted).
 * Its event-loop utilisation over the measured window says whether this thread kept up: a thread
 * busy nearly all the time starts attempts late whatever the gateway does.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { runLoad } from '../load/index.js';
import type { AttemptRecord } from '../metrics/index.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './generator-messages.js';

const BATCH_MS = 250;
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
    send({ type: 'done', id: request.id, dropped: 0, peakInFlight: 0, eventLoopUtilization: 0 });
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
  // Times below are on the step's clock: this worker's schedule starts offsetMs into the step, so
  // that together the workers' schedules are exactly the step's schedule, split round-robin.
  const warmupLocalMs = Math.max(0, request.warmupMs - request.offsetMs);
  const endLocalMs = request.warmupMs + request.durationMs - request.offsetMs;
  const startTimer = setTimeout(() => (eluAtStart = performance.eventLoopUtilization()), warmupLocalMs);
  const endTimer = setTimeout(() => {
    if (eluAtStart) eluMeasured = performance.eventLoopUtilization(eluAtStart);
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
    });
  } finally {
    clearInterval(flusher);
    clearTimeout(startTimer);
    clearTimeout(endTimer);
  }
}
