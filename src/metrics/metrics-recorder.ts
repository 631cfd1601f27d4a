import type { RunResult, RunWarning, TimelineBucket } from '../result/run-result.js';
import { PHASES, type AttemptRecord, type Phase } from './attempt-record.js';
import { summarizeCpuSamples } from './cpu-series.js';
import type { ErrorCategory } from './error-category.js';
import { phaseDurationsMs } from './phase-durations.js';
import { SpanMetrics } from './span-metrics.js';
import { TIMELINE_BUCKET_MS, TimelineBucketBuilder } from './timeline-bucket-builder.js';

/**
 * When the load was offered, ms since the load started: its schedule, not the wait for the last
 * attempts to end. The timeline's first and last seconds cover only their part of it.
 */
export interface LoadWindow {
  readonly fromMs: number;
  readonly untilMs: number;
}

export type RecordedMetrics = Pick<RunResult, 'summary' | 'byPhase' | 'byReplica' | 'timeline' | 'cpu' | 'errorSamples'> & {
  warnings: RunWarning[];
};

/** Told what the recorder counts, as it counts it (the live Prometheus series: src/observe/run-metrics.ts). */
export interface RecorderObserver {
  /** An attempt, with the phase it was counted in: the live counters then sum to the result's counts. */
  attempt?(attempt: AttemptRecord, phase: Phase): void;
  cpu?(source: 'gateway' | 'generator', second: number, cpuPercent: number): void;
}

export interface MetricsRecorderOptions {
  /** Which phase the run was in at a moment (ms since the load started). */
  phaseAt(msSinceLoadStart: number): Phase;
  /**
   * The phase an attempt belongs to, from when it was due to when it ended; default: the phase
   * at its end. A fault timeline says "fault" for any attempt that overlapped a fault, so that
   * attempts started under a fault never count against the baseline or the recovery.
   */
  phaseOfAttempt?(scheduledAtMs: number, endMs: number): Phase;
  /** An attempt that started later than this behind its schedule counts as a late start. Default 10 ms. */
  lateStartThresholdMs?: number;
  /**
   * How many seconds behind the newest attempt a timeline second stays open for latencies.
   * Attempts arrive nearly in order of completion; 10 s covers stragglers. Default 10.
   */
  openBucketWindowSeconds?: number;
  observer?: RecorderObserver;
}

/** Node runs our attempts on one main thread: this share of one core means the generator is the limit. */
export const GENERATOR_SATURATED_CPU_PERCENT = 90;
/** More than this share of attempts starting late means the open-loop schedule could not be kept. */
export const SCHEDULE_SLIPPED_RATIO = 0.01;
const ERROR_SAMPLES_PER_CATEGORY = 5;

/**
 * Turns the stream of attempts (and the CPU samples beside it) into the measurements of a
 * RunResult. An attempt is placed in time by when its outcome was known (scheduledAtMs +
 * totalMs): that is when a user of the gateway saw it fail or succeed, it is the order in which
 * attempts arrive here, and it attributes a timeout that began before a fault to the fault that
 * caused it. Memory stays flat over long runs: per-second histograms live only while their
 * second is open (see openBucketWindowSeconds); the span histograms are fixed in number.
 */
export class MetricsRecorder {
  readonly #phaseAt: (msSinceLoadStart: number) => Phase;
  readonly #phaseOfAttempt: ((scheduledAtMs: number, endMs: number) => Phase) | undefined;
  readonly #observer: RecorderObserver | undefined;
  readonly #byStartSecond = new Map<number, { attempts: number; succeeded: number }>();
  readonly #lateStartThresholdMs: number;
  readonly #openWindowSeconds: number;
  readonly #run: SpanMetrics;
  readonly #byPhase = new Map<Phase, SpanMetrics>();
  readonly #byReplica = new Map<string, SpanMetrics>();
  readonly #buckets = new Map<number, TimelineBucketBuilder>();
  /** Seconds whose bucket still holds histograms, oldest first. */
  readonly #openSeconds: number[] = [];
  readonly #cpu = { gateway: new Map<number, number>(), generator: new Map<number, number>() };
  readonly #errorSamples = new Map<ErrorCategory, Set<string>>();
  #newestSecond = Number.NEGATIVE_INFINITY;

  constructor(options: MetricsRecorderOptions) {
    this.#phaseAt = options.phaseAt;
    this.#phaseOfAttempt = options.phaseOfAttempt;
    this.#observer = options.observer;
    this.#lateStartThresholdMs = options.lateStartThresholdMs ?? 10;
    this.#openWindowSeconds = Math.max(1, options.openBucketWindowSeconds ?? 10);
    this.#run = new SpanMetrics(this.#lateStartThresholdMs);
  }

  /** How many timeline seconds currently hold histograms (bounded by the open window). */
  get openBucketCount(): number {
    return this.#openSeconds.length;
  }

  record(attempt: AttemptRecord): void {
    const atMs = Math.max(0, attempt.scheduledAtMs + attempt.totalMs);
    const phase = this.#phaseOfAttempt ? this.#phaseOfAttempt(attempt.scheduledAtMs, atMs) : this.#phaseAt(atMs);
    // Outcomes by the second the attempt was due: what recovery is measured on (an attempt that
    // began under a fault and ends after the heal says nothing about the recovered system).
    const started = this.#byStartSecond.get(Math.floor(Math.max(0, attempt.scheduledAtMs) / 1_000)) ?? { attempts: 0, succeeded: 0 };
    started.attempts += 1;
    if (attempt.category === 'ok') started.succeeded += 1;
    this.#byStartSecond.set(Math.floor(Math.max(0, attempt.scheduledAtMs) / 1_000), started);
    this.#run.record(attempt);
    spanOf(this.#byPhase, phase, this.#lateStartThresholdMs).record(attempt);
    if (attempt.replica !== undefined) spanOf(this.#byReplica, attempt.replica, this.#lateStartThresholdMs).record(attempt);
    this.#bucketFor(Math.floor(atMs / 1_000)).record(attempt);
    if (attempt.category !== 'ok') this.#keepErrorSample(attempt);
    this.#observer?.attempt?.(attempt, phase);
  }

  /** One CPU sample: percent of one core over the second `second` (seconds since the load started). */
  recordCpu(source: 'gateway' | 'generator', second: number, cpuPercent: number): void {
    if (!Number.isFinite(cpuPercent)) return;
    this.#cpu[source].set(second, Math.round(cpuPercent * 10) / 10);
    this.#observer?.cpu?.(source, second, cpuPercent);
  }

  /**
   * What has been measured so far, for the live view's SLO status: span summaries and CPU only
   * (no timeline, which `finish` builds once). Cheap enough to call each second.
   */
  liveSnapshot(elapsedMs: number): Pick<RecordedMetrics, 'summary' | 'byPhase' | 'cpu'> {
    const phaseDurations = phaseDurationsMs(this.#phaseAt, elapsedMs);
    const byPhase: RecordedMetrics['byPhase'] = {};
    for (const [phase, span] of this.#byPhase) byPhase[phase] = span.summary(phaseDurations[phase]);
    const generator = summarizeCpuSamples(toSamples(this.#cpu.generator));
    const cpu: RecordedMetrics['cpu'] =
      this.#cpu.gateway.size > 0 ? { gateway: summarizeCpuSamples(toSamples(this.#cpu.gateway)), generator } : { generator };
    return { summary: this.#run.summary(elapsedMs), byPhase, cpu };
  }

  /** `loadWindow`: when the load was offered; default from 0 to actualDurationMs. */
  finish(actualDurationMs: number, loadWindow?: LoadWindow): RecordedMetrics {
    return this.#measurements(actualDurationMs, false, loadWindow ?? { fromMs: 0, untilMs: actualDurationMs });
  }

  /**
   * The measurements so far, leaving the recorder as it was: what a checkpoint of a long run
   * writes, so that a harness killed mid-run still leaves its numbers on disk.
   */
  snapshot(elapsedMs: number): RecordedMetrics {
    return this.#measurements(elapsedMs, true, { fromMs: 0, untilMs: elapsedMs });
  }

  #measurements(actualDurationMs: number, peek: boolean, loadWindow: LoadWindow): RecordedMetrics {
    const phaseDurations = phaseDurationsMs(this.#phaseAt, actualDurationMs);
    const byPhase: RecordedMetrics['byPhase'] = {};
    for (const phase of PHASES) {
      // A phase that lasted but saw no attempt complete is listed, zeroed: that is a finding.
      const span = this.#byPhase.get(phase) ?? (phaseDurations[phase] > 0 ? new SpanMetrics(this.#lateStartThresholdMs) : undefined);
      if (span) byPhase[phase] = span.summary(phaseDurations[phase]);
    }
    const byReplica: RecordedMetrics['byReplica'] = {};
    for (const [replica, span] of [...this.#byReplica].sort(([a], [b]) => a.localeCompare(b))) {
      byReplica[replica] = span.summary(actualDurationMs);
    }
    const generator = summarizeCpuSamples(toSamples(this.#cpu.generator));
    const cpu: RecordedMetrics['cpu'] =
      this.#cpu.gateway.size > 0 ? { gateway: summarizeCpuSamples(toSamples(this.#cpu.gateway)), generator } : { generator };
    const summary = this.#run.summary(actualDurationMs);
    return {
      summary,
      byPhase,
      byReplica,
      timeline: this.#timeline(actualDurationMs, peek, loadWindow),
      cpu,
      errorSamples: Object.fromEntries([...this.#errorSamples].map(([category, codes]) => [category, [...codes]])),
      warnings: this.#warnings(cpu.generator),
    };
  }

  #bucketFor(second: number): TimelineBucketBuilder {
    let bucket = this.#buckets.get(second);
    if (!bucket) {
      bucket = new TimelineBucketBuilder(second, this.#phaseAt(second * 1_000));
      this.#buckets.set(second, bucket);
      if (second > this.#newestSecond - this.#openWindowSeconds) {
        this.#openSeconds.push(second);
        this.#openSeconds.sort((a, b) => a - b);
      } else {
        bucket.close(); // a straggler for a second long closed: counts only
      }
    }
    if (second > this.#newestSecond) {
      this.#newestSecond = second;
      while (this.#openSeconds.length > 0 && (this.#openSeconds[0] as number) <= second - this.#openWindowSeconds) {
        this.#buckets.get(this.#openSeconds.shift() as number)?.close();
      }
    }
    return bucket;
  }

  /** Dense: a second in which nothing completed is a fact worth charting (a blackholed gateway). */
  #timeline(actualDurationMs: number, peek: boolean, loadWindow: LoadWindow): TimelineBucket[] {
    // A loop, not Math.max(...keys): spreading more than ~120k CPU seconds (a 33 h run) overflows the stack.
    let lastSecond = Math.max(Math.ceil(actualDurationMs / 1_000) - 1, this.#newestSecond);
    for (const second of this.#cpu.gateway.keys()) lastSecond = Math.max(lastSecond, second);
    for (const second of this.#cpu.generator.keys()) lastSecond = Math.max(lastSecond, second);
    if (!Number.isSafeInteger(lastSecond)) {
      // second++ would stop advancing; callers bound the span first (src/k6/import-k6.ts does for imports).
      throw new RangeError(`timeline of ${lastSecond} seconds: the span must be bounded before recording`);
    }
    const timeline: TimelineBucket[] = [];
    for (let second = 0; second <= lastSecond; second++) {
      const bucket = this.#buckets.get(second) ?? new TimelineBucketBuilder(second, this.#phaseAt(second * 1_000));
      const gatewayCpuPercent = this.#cpu.gateway.get(second);
      const generatorCpuPercent = this.#cpu.generator.get(second);
      const started = this.#byStartSecond.get(second);
      timeline.push({
        ...bucket.toBucket({ gatewayCpuPercent, generatorCpuPercent }, { peek }),
        startedAttempts: started?.attempts ?? 0,
        startedSucceeded: started?.succeeded ?? 0,
        coveredMs: coveredMs(second, loadWindow),
      });
    }
    if (!peek) this.#openSeconds.length = 0;
    return timeline;
  }

  #keepErrorSample(attempt: AttemptRecord): void {
    const code = attempt.rawCode ?? (attempt.httpStatus === undefined ? undefined : `HTTP ${attempt.httpStatus}`);
    if (code === undefined) return;
    let codes = this.#errorSamples.get(attempt.category);
    if (!codes) {
      codes = new Set();
      this.#errorSamples.set(attempt.category, codes);
    }
    if (codes.size < ERROR_SAMPLES_PER_CATEGORY) codes.add(code);
  }

  #warnings(generatorCpu: RecordedMetrics['cpu']['generator']): RunWarning[] {
    const warnings: RunWarning[] = [];
    if (generatorCpu.samples.length > 0 && generatorCpu.p95 >= GENERATOR_SATURATED_CPU_PERCENT) {
      warnings.push({
        code: 'GENERATOR_SATURATED',
        message:
          `the load generator itself was saturated (its CPU p95 was ${generatorCpu.p95}% of one core, ` +
          `at or above ${GENERATOR_SATURATED_CPU_PERCENT}%): latencies and rates reflect our limit, do not blame the gateway for them; ` +
          'use fewer client identities, a lower rate, or more load workers',
      });
    }
    const attempts = this.#run.attempts;
    const lateStarts = this.#run.lateStarts;
    if (attempts > 0 && lateStarts / attempts > SCHEDULE_SLIPPED_RATIO) {
      warnings.push({
        code: 'SCHEDULE_SLIPPED',
        message:
          `${lateStarts} of ${attempts} attempts (${((100 * lateStarts) / attempts).toFixed(1)}%) started more than ` +
          `${this.#lateStartThresholdMs} ms behind schedule (at worst ${Math.round(this.#run.maxStartDelayMs)} ms): ` +
          'the load generator could not keep the open-loop schedule, so the offered rate was lower than planned ' +
          '(the delay is included in total latency); lower the rate or add load workers',
      });
    }
    return warnings;
  }
}

/** The part of a timeline second inside the load window, in whole ms (0..TIMELINE_BUCKET_MS). */
function coveredMs(second: number, window: LoadWindow): number {
  const from = Math.max(second * TIMELINE_BUCKET_MS, window.fromMs);
  const until = Math.min((second + 1) * TIMELINE_BUCKET_MS, window.untilMs);
  return Math.round(Math.max(0, until - from));
}

function spanOf<K>(spans: Map<K, SpanMetrics>, key: K, lateStartThresholdMs: number): SpanMetrics {
  let span = spans.get(key);
  if (!span) {
    span = new SpanMetrics(lateStartThresholdMs);
    spans.set(key, span);
  }
  return span;
}

function toSamples(bySecond: ReadonlyMap<number, number>): { second: number; cpuPercent: number }[] {
  return [...bySecond].map(([second, cpuPercent]) => ({ second, cpuPercent }));
}
