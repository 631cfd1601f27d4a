import { resolveTarget, type LoadTargetSpec } from '../load/index.js';
import type { RecorderObserver } from '../metrics/index.js';
import type { ParsedSlo } from '../slo/index.js';
import { buildBenchReport, toBenchStep, type BenchReport, type BenchSettings, type BenchStep } from './bench-report.js';
import { GeneratorPool } from './generator-pool.js';
import { searchKnee } from './knee-search.js';
import { judgeStep } from './limit-attribution.js';
import { runStep, stepDurationMs } from './step-runner.js';

/** Where a bench sends load: an external URL or a lab gateway. */
export interface BenchTarget {
  readonly spec: Omit<LoadTargetSpec, 'serverReason'>;
  /** The gateway's processes now, for its CPU; empty when unknown. */
  readonly gatewayPids: () => readonly number[];
  /** For the report: the lab configuration benched. */
  readonly configuration?: string;
}

export interface BenchOptions {
  readonly settings: BenchSettings;
  readonly slos: readonly ParsedSlo[];
  readonly signal: AbortSignal;
  /** Each step as it ends (progress). */
  readonly onStep?: (step: BenchStep) => void;
  /** Before each step starts. */
  readonly onStepStart?: (ratePerSecond: number, phase: string, index: number) => void;
  /** Pause between steps; default 500 ms. */
  readonly pauseMs?: number;
  /** Told of every measured attempt of every step (live Prometheus series: src/observe). */
  readonly observer?: RecorderObserver;
}

/** Searches one target's knee with a generator pool of its own; the pool is always closed. */
export async function runBench(target: BenchTarget, options: BenchOptions): Promise<BenchReport> {
  const { settings } = options;
  const startedAt = new Date();
  const spec = { ...target.spec, resume: settings.resume, timeoutMs: settings.timeoutMs };
  // Bad input (URL, DNS, a key that does not match its certificate) fails here with its own
  // error code, before any thread starts, rather than inside a worker.
  await resolveTarget(spec);
  const pool = await GeneratorPool.start(spec, settings.workers);
  try {
    const search = await searchKnee(
      {
        startRatePerSecond: settings.startRate,
        maxRatePerSecond: settings.maxRate,
        resolution: settings.resolution,
        maxSteps: settings.maxSteps,
        signal: options.signal,
      },
      async (rate, phase, index) => {
        options.onStepStart?.(rate, phase, index);
        const measurement = await runStep(
          pool,
          {
            warmupMs: settings.warmupMs,
            durationMs: stepDurationMs(rate, settings.stepMs, settings.minAttempts),
            slos: options.slos,
            gatewayPids: target.gatewayPids,
            pauseMs: options.pauseMs ?? 500,
            signal: options.signal,
            ...(options.observer ? { observer: options.observer } : {}),
            ...(settings.maxInFlight === undefined ? {} : { maxInFlight: settings.maxInFlight }),
          },
          rate,
          phase,
          index,
        );
        options.signal.throwIfAborted();
        const judgement = judgeStep(measurement);
        const step = toBenchStep(measurement, judgement);
        options.onStep?.(step);
        return { ...judgement, step };
      },
    );
    return buildBenchReport(
      {
        target: target.spec.url,
        ...(target.configuration ? { configuration: target.configuration } : {}),
        startedAt,
        endedAt: new Date(),
        settings,
        slos: options.slos.map((slo) => slo.expression),
      },
      search,
    );
  } finally {
    await pool.close();
  }
}
