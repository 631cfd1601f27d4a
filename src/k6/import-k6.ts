import { FaultTimeline, type Fault, type TimelineEntry } from '../faults/index.js';
import { MetricsRecorder, measureRecovery, type AttemptRecord } from '../metrics/index.js';
import {
  RESULT_SCHEMA_VERSION,
  type FaultRecord,
  type RecoverySummary,
  type RunResult,
  type RunWarning,
} from '../result/index.js';
import { evaluateSlos, type ScopedSlo } from '../slo/index.js';
import { formatDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { MAX_LOAD_DURATION_MS } from '../load/index.js';
import { readK6Output, type K6OtherSample, type K6Request } from './k6-ndjson-reader.js';
import { categoryOfK6Request } from './k6-request-category.js';
import type { K6Summary } from './k6-summary-reader.js';

/** What the imported run is judged against and lined up with. */
export interface ImportK6Options {
  /** k6 `--out json` files: one per runner; merged by time. */
  readonly files: readonly string[];
  readonly summary?: K6Summary;
  readonly drill: { readonly name: string; readonly description: string; readonly file?: string };
  readonly slos: readonly ScopedSlo[];
  /** The load the drill planned, described, and how long (for the report). */
  readonly plannedLoad?: { readonly profile: string; readonly durationMs: number };
  /**
   * The harness run that drove the faults while k6 made the load: its clock (loadStartedAt) is
   * ms 0, its fault windows give the phases, its gateway CPU samples come along.
   */
  readonly faultRun?: RunResult;
  /** Without a fault run: the drill's planned fault timeline (phases by the k6 clock). */
  readonly plannedFaults?: readonly TimelineEntry[];
  readonly toolVersion: string;
  /** Tests lower the bounds to reach them with small files. */
  readonly limits?: { readonly maxSpanMs?: number; readonly maxRequests?: number };
}

const HOUR_MS = 3_600_000;

/**
 * What one import may hold. The result has one timeline entry per second of the span, so the
 * span bounds its time and memory (a week took 15 s and over 1 GB before this bound, the ends
 * of the representable time range never finished); the request count bounds the time of the
 * two streaming passes (~10,000 requests/s: `npm run bench -- k6-import`).
 */
export const K6_IMPORT_LIMITS = {
  /** A drill's load lasts at most 24 h (src/load/run-load.ts); an hour more for runners' start-up and clocks. */
  maxSpanMs: MAX_LOAD_DURATION_MS + HOUR_MS,
  /** About an hour of importing; 10 times a 24 h drill at 100/s (8.6 million). */
  maxRequests: 10_000_000,
} as const;

/**
 * Turns k6's per-request samples into a RunResult through the same MetricsRecorder our own load
 * feeds, so percentiles, phases, timeline, recovery and the SLO verdict are computed by the
 * same code. Reads the files twice, streaming: once to find where the load started (ms 0 when
 * there is no fault run), once to record.
 */
export async function importK6(options: ImportK6Options): Promise<RunResult> {
  const limits = { ...K6_IMPORT_LIMITS, ...options.limits };
  const first = await scan(options.files, limits.maxRequests);
  if (first.requests === 0) {
    throw new UsageError('E_K6_NO_REQUESTS', `${options.files.join(', ')}: no HTTP requests (http_req_* Points) in the k6 output`, {
      file: options.files[0],
      hint: 'was the test aborted before its first request, or the file written with another --out format?',
    });
  }
  const faultRun = options.faultRun;
  let zeroEpochMs: number;
  let entries: readonly TimelineEntry[];
  if (faultRun) {
    if (!faultRun.loadStartedAt) {
      throw new UsageError('E_K6_FAULTS_CLOCK', 'the --faults result has no loadStartedAt: it was written by an older mtls-chaos or its load never started', {
        hint: 'use the result.json of `mtls-chaos run <drill> --load external` that ran while k6 made the load',
      });
    }
    zeroEpochMs = Date.parse(faultRun.loadStartedAt); // an ISO time: src/result/read-result.ts checked it
    // Phases follow the planned times, as in the harness's own runs; the actual heals measure recovery.
    entries = faultRun.faults.map((fault) => ({ atMs: fault.atMs, forMs: fault.forMs, kind: fault.kind, options: {} }));
  } else {
    zeroEpochMs = first.firstStart.epochMs;
    entries = options.plannedFaults ?? [];
  }
  checkSpan(first, zeroEpochMs, faultRun, limits.maxSpanMs);
  const timeline = new FaultTimeline(entries, placeholderFault);
  const recorder = new MetricsRecorder({
    phaseAt: (ms) => timeline.phaseAt(ms),
    phaseOfAttempt: (scheduledAtMs, endMs) => timeline.phaseOfAttempt(scheduledAtMs, endMs),
  });
  for (const sample of faultRun?.cpu.gateway?.samples ?? []) recorder.recordCpu('gateway', sample.second, sample.cpuPercent);

  const effects = (faultRun?.faults ?? []).map((fault) => ({ fault, firstSeenMs: undefined as number | undefined }));
  let lastEndMs = 0;
  let requests = 0;
  let dropped = 0;
  let outsideClock = 0;
  for await (const item of mergeByTime(options.files)) {
    if ('metric' in item) {
      dropped += item.value;
      continue;
    }
    const attempt = toAttempt(item, zeroEpochMs);
    const endMs = attempt.scheduledAtMs + attempt.totalMs;
    if (endMs < 0) outsideClock += 1;
    requests += 1;
    lastEndMs = Math.max(lastEndMs, endMs);
    recorder.record(attempt);
    for (const effect of effects) {
      const { fault } = effect;
      if (!fault.effect || fault.injectedAtMs === undefined || effect.firstSeenMs !== undefined) continue;
      const until = fault.healedAtMs ?? Number.POSITIVE_INFINITY;
      if (attempt.category === fault.effect.category && endMs >= fault.injectedAtMs && endMs <= until) effect.firstSeenMs = endMs;
    }
  }
  const actualDurationMs = Math.max(lastEndMs, faultRun?.load.actualDurationMs ?? 0);
  // k6's load runs from its first request's start to its last's end, on our clock: with a fault
  // run as ms 0 it can begin mid-second, and that first second's rates are over its covered part.
  const recorded = recorder.finish(actualDurationMs, { fromMs: Math.max(0, first.firstStart.epochMs - zeroEpochMs), untilMs: lastEndMs });
  const phases = timeline.phaseWindows(actualDurationMs);
  const faults: FaultRecord[] = effects.map(({ fault, firstSeenMs }) => {
    if (!fault.effect || fault.injectedAtMs === undefined) return fault;
    const { afterMs: _harnessAfterMs, ...effect } = fault.effect;
    return { ...fault, effect: { ...effect, ...(firstSeenMs === undefined ? {} : { afterMs: firstSeenMs - fault.injectedAtMs }) } };
  });
  const recovery = recoveryOf(faults, recorded.timeline, options.slos);
  const faultPhase = recorded.byPhase.fault;
  const blastRadius = faultPhase && faultPhase.attempts > 0 ? 1 - faultPhase.successRate : undefined;
  const slos = evaluateSlos(options.slos, {
    summary: recorded.summary,
    byPhase: recorded.byPhase,
    cpu: recorded.cpu,
    phases,
    ...(recovery ? { recovery } : {}),
    ...(blastRadius === undefined ? {} : { blastRadius }),
    faults,
  });
  const warnings: RunWarning[] = [
    {
      code: 'K6_LOAD',
      message:
        'the load was made by k6 and imported: one client identity, no resumption data, no per-replica attribution; ' +
        'a refused certificate is known by its HTTP status or k6 error code only (nginx 400 stays http_error)',
    },
    ...recorded.warnings.filter((warning) => warning.code !== 'GENERATOR_SATURATED'),
    ...summaryWarnings(options.summary, requests),
  ];
  if (dropped > 0) warnings.push({ code: 'K6_DROPPED_ITERATIONS', message: `k6 dropped ${dropped} iterations: no VU was free to start them on schedule (raise maxVUs or add runners)` });
  if (outsideClock > 0) {
    warnings.push({
      code: 'K6_CLOCK',
      message: `${outsideClock} k6 requests ended before the fault run's load started: check that both machines' clocks agree (NTP) and that --faults is the run made alongside this k6 test`,
    });
  }
  const firstEpoch = Math.min(zeroEpochMs, first.firstStart.epochMs);
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'mtls-chaos', version: options.toolVersion },
    scenario: {
      name: options.drill.name,
      description: options.drill.description,
      ...(options.drill.file ? { file: options.drill.file } : {}),
      runtime: 'external',
    },
    status: 'completed',
    verdict: slos.every((slo) => slo.passed) ? 'pass' : 'fail',
    startedAt: new Date(firstEpoch).toISOString(),
    endedAt: new Date(Math.max(zeroEpochMs + actualDurationMs, first.lastEnd.epochMs)).toISOString(),
    loadStartedAt: new Date(zeroEpochMs).toISOString(),
    load: {
      profile: `k6: ${options.plannedLoad?.profile ?? 'as its script said'} (${options.files.length} output file${options.files.length === 1 ? '' : 's'})`,
      plannedDurationMs: options.plannedLoad?.durationMs ?? actualDurationMs,
      actualDurationMs,
      identities: 1,
      resumption: false,
      target: first.url ?? '(not in the k6 output)',
    },
    lab: { components: faultRun?.lab.components ?? [], ...(faultRun?.lab.pki ? { pki: faultRun.lab.pki } : {}) },
    phases,
    summary: recorded.summary,
    byPhase: recorded.byPhase,
    byReplica: {},
    timeline: recorded.timeline,
    cpu: recorded.cpu,
    errorSamples: recorded.errorSamples,
    slos,
    faults,
    ...(recovery ? { recovery } : {}),
    ...(blastRadius === undefined ? {} : { blastRadius }),
    warnings,
  };
}

/** One k6 request as one attempt: k6 stamps it at its end, so it began end - (blocked + connect + TLS + HTTP). */
export function toAttempt(request: K6Request, zeroEpochMs: number): AttemptRecord {
  const totalMs = request.blockedMs + request.connectingMs + request.tlsHandshakingMs + request.durationMs;
  const { category, rawCode } = categoryOfK6Request(request);
  const answered = Number(request.tags['status'] ?? '0') > 0;
  // k6 reports 0 for a phase that never happened (a timeout before the handshake ended):
  // keep such zeros out of the percentiles, as our own attempts leave the phase undefined.
  const measured = (value: number) => answered || value > 0;
  return {
    scheduledAtMs: request.endEpochMs - totalMs - zeroEpochMs,
    startDelayMs: 0,
    ...(measured(request.connectingMs) ? { tcpConnectMs: request.connectingMs } : {}),
    ...(measured(request.tlsHandshakingMs) ? { tlsHandshakeMs: request.tlsHandshakingMs } : {}),
    ...(answered ? { firstByteMs: request.waitingMs } : {}),
    totalMs,
    category,
    ...(rawCode ? { rawCode } : {}),
    ...(answered ? { httpStatus: Number(request.tags['status']) } : {}),
    resumed: false,
    identity: request.tags['runner'] ?? 'k6',
    ...(request.tags['tls_version'] ? { tlsVersion: request.tags['tls_version'] } : {}),
  };
}

/** A sample's time and the file it is in, for errors that name both. */
interface Stamp {
  readonly epochMs: number;
  readonly file: string;
}

interface Scan {
  readonly requests: number;
  readonly firstStart: Stamp;
  readonly lastEnd: Stamp;
  readonly url?: string;
}

async function scan(files: readonly string[], maxRequests: number): Promise<Scan> {
  let requests = 0;
  let firstStart: Stamp = { epochMs: Number.POSITIVE_INFINITY, file: files[0] ?? '' };
  let lastEnd: Stamp = { epochMs: Number.NEGATIVE_INFINITY, file: files[0] ?? '' };
  let url: string | undefined;
  for (const file of files) {
    for await (const item of readK6Output(file)) {
      if ('metric' in item) continue;
      requests += 1;
      if (requests > maxRequests) {
        throw new UsageError('E_K6_IMPORT_LIMIT', `more than ${maxRequests.toLocaleString('en-US')} requests in the k6 output (counting up to this file); an import may hold at most that many`, {
          file,
          hint: 'import the runners of one test, or split a longer test into runs of its own',
        });
      }
      url ??= item.tags['url'] ?? item.tags['name'];
      const startEpochMs = item.endEpochMs - item.blockedMs - item.connectingMs - item.tlsHandshakingMs - item.durationMs;
      if (startEpochMs < firstStart.epochMs) firstStart = { epochMs: startEpochMs, file };
      if (item.endEpochMs > lastEnd.epochMs) lastEnd = { epochMs: item.endEpochMs, file };
    }
  }
  return { requests, firstStart, lastEnd, ...(url ? { url } : {}) };
}

/**
 * The import's clock runs from the earliest request start (or the fault run's load start) to the
 * latest end (or the fault run's end, or its last CPU sample): one timeline entry per second of it.
 */
function checkSpan(first: Scan, zeroEpochMs: number, faultRun: RunResult | undefined, maxSpanMs: number): void {
  const bound = `an import may span at most ${Number((maxSpanMs / HOUR_MS).toFixed(3))}h (a drill's load lasts at most ${MAX_LOAD_DURATION_MS / HOUR_MS}h)`;
  const samples = first.lastEnd.epochMs - first.firstStart.epochMs;
  if (!(samples <= maxSpanMs)) {
    const where = (stamp: Stamp) => `${describeEpoch(stamp.epochMs)}${first.firstStart.file === first.lastEnd.file ? '' : ` in ${stamp.file}`}`;
    throw new UsageError('E_K6_IMPORT_SPAN', `the requests span ${describeSpan(samples)}, from ${where(first.firstStart)} to ${where(first.lastEnd)}; ${bound}`, {
      file: first.lastEnd.file,
      hint: 'import the files of one k6 test; a request stamped far from the rest means a runner with a wrong clock or a file from another test',
    });
  }
  if (!faultRun) return;
  const cpuSeconds = faultRun.cpu.gateway?.samples.reduce((last, sample) => Math.max(last, sample.second + 1), 0) ?? 0;
  const faultRunEndMs = Math.max(faultRun.load.actualDurationMs, cpuSeconds * 1_000);
  const startMs = Math.min(0, first.firstStart.epochMs - zeroEpochMs);
  const endMs = Math.max(faultRunEndMs, first.lastEnd.epochMs - zeroEpochMs);
  if (!(endMs - startMs <= maxSpanMs)) {
    throw new UsageError(
      'E_K6_IMPORT_SPAN',
      `the k6 requests (${describeEpoch(first.firstStart.epochMs)} to ${describeEpoch(first.lastEnd.epochMs)}) and the --faults run ` +
        `(load from ${describeEpoch(zeroEpochMs)} for ${describeSpan(faultRunEndMs)}) span ${describeSpan(endMs - startMs)} together; ${bound}`,
      { file: first.lastEnd.file, hint: 'pass the --faults result of the run made alongside this k6 test, and check that both machines\' clocks agree (NTP)' },
    );
  }
}

/** An epoch time as ISO 8601 when Date can hold it (a start computed from absurd timings may not). */
function describeEpoch(epochMs: number): string {
  return Math.abs(epochMs) <= 8.64e15 ? new Date(epochMs).toISOString() : `${epochMs} ms since 1970`;
}

function describeSpan(ms: number): string {
  return Number.isFinite(ms) && ms < 1e15 ? formatDuration(ms) : `${ms} ms`;
}

/**
 * Several runners' files, merged in order of time (each file is already nearly in order): the
 * recorder keeps per-second histograms open for a window, so attempts must arrive roughly in
 * time order, not file after file.
 */
async function* mergeByTime(files: readonly string[]): AsyncGenerator<K6Request | K6OtherSample> {
  const iterators = files.map((file) => readK6Output(file));
  const heads = await Promise.all(iterators.map((iterator) => iterator.next()));
  for (;;) {
    let best = -1;
    heads.forEach((head, index) => {
      if (head.done) return;
      const bestHead = best >= 0 ? heads[best] : undefined;
      if (!bestHead || bestHead.done || head.value.endEpochMs < bestHead.value.endEpochMs) best = index;
    });
    if (best < 0) return;
    const head = heads[best]!;
    if (head.done) return;
    yield head.value;
    heads[best] = await iterators[best]!.next();
  }
}

function recoveryOf(faults: readonly FaultRecord[], timeline: RunResult['timeline'], slos: readonly ScopedSlo[]): RecoverySummary | undefined {
  if (faults.length === 0 || faults.some((fault) => fault.healedAtMs === undefined)) return undefined;
  const healedAtMs = Math.max(...faults.map((fault) => fault.healedAtMs!));
  // "Back to normal" is the baseline's success promise, else 99%, as for the harness's own runs.
  const promise = slos.find(
    ({ slo, scope }) => slo.metric === 'success.rate' && (slo.operator === '>=' || slo.operator === '>') && (scope === 'baseline' || scope === 'run'),
  );
  return measureRecovery(timeline, healedAtMs, promise?.slo.threshold ?? 0.99);
}

function summaryWarnings(summary: K6Summary | undefined, requests: number): RunWarning[] {
  if (!summary) return [];
  const warnings: RunWarning[] = [];
  if (summary.requests !== undefined && summary.requests !== requests) {
    warnings.push({
      code: 'K6_SUMMARY_MISMATCH',
      message: `the k6 summary counts ${summary.requests} requests, the JSON output ${requests}: pass every runner's --out json file (or the summary of the same run)`,
    });
  }
  if (summary.failedThresholds.length > 0) {
    warnings.push({ code: 'K6_THRESHOLDS_FAILED', message: `k6 judged ${summary.failedThresholds.length} of ${summary.thresholdCount} thresholds failed: ${summary.failedThresholds.join('; ')}` });
  }
  return warnings;
}

/** Imported runs replay no fault: the timeline is used for its phases only. */
function placeholderFault(entry: TimelineEntry): Fault {
  return {
    kind: entry.kind,
    describe: () => entry.kind,
    inject: async () => undefined,
    heal: async () => undefined,
  };
}


/** The tags of the first request in a k6 output file (the exported script tags each with its drill). */
export async function firstRequestTags(file: string): Promise<Readonly<Record<string, string>> | undefined> {
  for await (const item of readK6Output(file)) {
    if (!('metric' in item)) return item.tags;
  }
  return undefined;
}
