import { performance } from 'node:perf_hooks';
import { MetricsRecorder, summarizeCpuSamples, type AttemptRecord, type RecorderObserver } from '../metrics/index.js';
import type { CpuSeries, LatencySummary } from '../result/index.js';
import { evaluateSlos, type ParsedSlo } from '../slo/index.js';
import type { GeneratorPool } from './generator-pool.js';
import type { StepPhase } from './knee-search.js';
import { machineLoadBetween, readMachineSnapshot } from './machine-load.js';
import { StepCpuSampler } from './step-cpu-sampler.js';
import type { CpuPercentiles, LatencyPercentiles, StepMeasurement } from './step-measurement.js';

export interface StepSettings {
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly slos: readonly ParsedSlo[];
  /** The gateway's processes now, for its CPU; empty when unknown. */
  readonly gatewayPids: () => readonly number[];
  /** Bound on attempts in flight across the generator (default: the load's own, from rate x timeout). */
  readonly maxInFlight?: number;
  /** Pause after each step so that the gateway's backlog and our TIME_WAIT sockets drain. */
  readonly pauseMs?: number;
  readonly signal?: AbortSignal;
  /** Told of every measured attempt (live Prometheus series: src/observe). */
  readonly observer?: RecorderObserver;
}

/**
 * A start counts as late past 10 ms or two arrival intervals, whichever is longer: at 40/s a start
 * 12 ms late still leaves the arrivals in order and the offered rate intact; at 1,000/s it does not.
 */
export function lateStartThresholdMs(ratePerSecond: number): number {
  return Math.max(10, 2_000 / ratePerSecond);
}

/** Longest a step is stretched to reach its minimum attempts: past this, the step stays short. */
export const MAX_STRETCHED_STEP_MS = 60_000;

/**
 * The measured length of a step at `ratePerSecond`: `stepMs`, stretched so that the window holds
 * at least `minAttempts` arrivals (at most MAX_STRETCHED_STEP_MS). A success SLO judged on 15
 * attempts moves 6.7% with one stray failure; at 40, one or two stray failures still pass 95%.
 */
export function stepDurationMs(ratePerSecond: number, stepMs: number, minAttempts: number): number {
  const needed = Math.ceil((minAttempts / ratePerSecond) * 1_000);
  return Math.max(stepMs, Math.min(needed, Math.max(stepMs, MAX_STRETCHED_STEP_MS)));
}

/**
 * Runs one open-loop step at `ratePerSecond`: warm-up (run, not counted), then the measured
 * window; judges the SLOs on the measured window only, as the whole-run scope of `run` would.
 */
export async function runStep(
  pool: GeneratorPool,
  settings: StepSettings,
  ratePerSecond: number,
  phase: StepPhase,
  index: number,
): Promise<StepMeasurement> {
  const lateThresholdMs = lateStartThresholdMs(ratePerSecond);
  const recorder = new MetricsRecorder({
    phaseAt: () => 'baseline',
    lateStartThresholdMs: lateThresholdMs,
    ...(settings.observer ? { observer: settings.observer } : {}),
  });
  let lastActualStartMs = 0;
  let sampler: StepCpuSampler | undefined;
  const startSampling = setTimeout(() => (sampler = new StepCpuSampler(settings.gatewayPids, settings.durationMs)), settings.warmupMs);
  const stopSampling = setTimeout(() => sampler?.stop(), settings.warmupMs + settings.durationMs);
  const startedAt = performance.now();
  let outcome;
  try {
    outcome = await pool.runStep({
      ratePerSecond,
      warmupMs: settings.warmupMs,
      durationMs: settings.durationMs,
      ...(settings.maxInFlight === undefined ? {} : { maxInFlight: settings.maxInFlight }),
      ...(settings.signal ? { signal: settings.signal } : {}),
      onAttempt: (record: AttemptRecord) => {
        // Attempts due after the window (a worker's interleaving offset) belong to no step.
        if (record.scheduledAtMs >= settings.durationMs) return;
        lastActualStartMs = Math.max(lastActualStartMs, record.scheduledAtMs + record.startDelayMs);
        recorder.record(record);
      },
    });
  } finally {
    clearTimeout(startSampling);
    clearTimeout(stopSampling);
  }
  if (performance.now() - startedAt < settings.warmupMs + settings.durationMs) sampler?.stop();
  const cpuSamples = sampler ?? { gateway: [], generator: [] };
  const machine = sampler?.machine ?? machineLoadBetween(readMachineSnapshot(), readMachineSnapshot());
  const gatewaySeries = cpuSamples.gateway.length > 0 ? series(cpuSamples.gateway) : undefined;
  const generatorSeries = series(cpuSamples.generator);
  const recorded = recorder.finish(settings.durationMs);
  const summary = recorded.summary;
  const slos = evaluateSlos(
    settings.slos.map((slo) => ({ slo, scope: 'run' as const })),
    { summary, byPhase: recorded.byPhase, cpu: gatewaySeries ? { gateway: gatewaySeries, generator: generatorSeries } : { generator: generatorSeries } },
  );
  // Late starts stretch the window in which the step's attempts actually started, but only past
  // the late-start threshold: in a 1 s step one start 110 ms late (a neighbour's time slice) would
  // otherwise cut the achieved rate by 10% and fail a step the generator kept up with.
  const windowMs = Math.max(settings.durationMs, lastActualStartMs - lateThresholdMs);
  if (settings.pauseMs) await new Promise((resolve) => setTimeout(resolve, settings.pauseMs));
  return {
    index,
    phase,
    offeredRate: ratePerSecond,
    plannedAttempts: plannedAttempts(ratePerSecond, settings.warmupMs, settings.durationMs),
    achievedRate: round(summary.attempts / (windowMs / 1_000)),
    warmupMs: settings.warmupMs,
    durationMs: settings.durationMs,
    attempts: summary.attempts,
    succeeded: summary.succeeded,
    successRate: summary.successRate,
    categories: summary.categories,
    resumed: summary.resumed,
    latency: { handshake: percentiles(summary.latency.tlsHandshake), total: percentiles(summary.latency.total) },
    gatewayCpu: gatewaySeries ? cpuPercentiles(gatewaySeries) : null,
    generatorCpu: cpuPercentiles(generatorSeries),
    generator: {
      workers: pool.size,
      lateStarts: summary.lateStarts,
      lateStartThresholdMs: round(lateThresholdMs),
      maxStartDelayMs: round(summary.maxStartDelayMs),
      dropped: outcome.dropped,
      maxEventLoopUtilization: round(outcome.maxEventLoopUtilization),
      workerBusy: outcome.workerBusy,
      eventLoopDelayP99Ms: outcome.eventLoopDelayP99Ms,
      eventLoopDelayMaxMs: outcome.eventLoopDelayMaxMs,
    },
    machine,
    slos,
  };
}

/** How many arrivals of a schedule at `rate` (the first at 0) fall in [warmup, warmup + duration). */
export function plannedAttempts(ratePerSecond: number, warmupMs: number, durationMs: number): number {
  const intervalMs = 1_000 / ratePerSecond;
  const firstIndex = (ms: number) => Math.ceil(ms / intervalMs - 1e-9);
  return firstIndex(warmupMs + durationMs) - firstIndex(warmupMs);
}

function series(values: readonly number[]): CpuSeries {
  return summarizeCpuSamples(values.map((cpuPercent, second) => ({ second, cpuPercent: Math.round(cpuPercent * 10) / 10 })));
}

function cpuPercentiles(cpu: CpuSeries): CpuPercentiles {
  return { p50: cpu.p50, p95: cpu.p95, max: cpu.max };
}

function percentiles(latency: LatencySummary): LatencyPercentiles {
  return { p50: latency.p50, p95: latency.p95, p99: latency.p99 };
}

const round = (value: number) => Math.round(value * 100) / 100;
