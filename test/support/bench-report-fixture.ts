import type { BenchReport, BenchStep } from '../../src/bench/index.js';
import type { StepPhase } from '../../src/bench/knee-search.js';
import { emptyCategoryCounts } from '../../src/metrics/index.js';

/**
 * A hand-made bench report with a knee at 400/s: a ramp 100 -> 200 -> 400 -> 800 (800 breaks the
 * p95 SLO), bisection at 600 and 500 (both fail), then a confirming 400. Latency, success and CPU
 * grow with the rate as a gateway's would; the target carries markup to prove it is escaped.
 */
export function fixtureBenchReport(overrides: Partial<BenchReport> = {}): BenchReport {
  const plan: [StepPhase, number, boolean][] = [
    ['ramp', 100, true],
    ['ramp', 200, true],
    ['ramp', 400, true],
    ['ramp', 800, false],
    ['bisect', 600, false],
    ['bisect', 500, false],
    ['confirm', 400, true],
  ];
  const steps: BenchStep[] = plan.map(([phase, rate, passed], index) => {
    const load = rate / 800;
    const attempts = rate * 2;
    const succeeded = Math.round(attempts * (passed ? 1 : 0.97 - load * 0.05));
    const p95 = 4 + 150 * load ** 3;
    return {
      index,
      phase,
      offeredRate: rate,
      plannedAttempts: attempts,
      achievedRate: rate * 0.999,
      warmupMs: 500,
      durationMs: 2_000,
      attempts,
      succeeded,
      successRate: succeeded / attempts,
      categories: { ...emptyCategoryCounts(), ok: succeeded, timeout: attempts - succeeded },
      resumed: 0,
      latency: { handshake: { p50: p95 / 2, p95, p99: p95 * 1.4 }, total: { p50: p95 / 2 + 1, p95: p95 + 1, p99: p95 * 1.4 + 1 } },
      gatewayCpu: { p50: 80 * load, p95: 95 * load, max: 99 * load },
      generatorCpu: { p50: 20 * load, p95: 25 * load, max: 30 * load },
      generator: { workers: 2, lateStarts: 0, lateStartThresholdMs: 10, maxStartDelayMs: 2, dropped: 0, maxEventLoopUtilization: 0.3 * load, workerBusy: [0.3 * load, 0.25 * load], eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 3 },
      machine: { cores: 2, loadAverageStart: 1.2, loadAverageEnd: 1.3, cpuBusyPercent: 60 * load, stealPercent: 0 },
      slos: [],
      passed,
      keptUp: true,
      ...(passed ? {} : { limit: 'slo:handshake.p95 < 50ms' }),
      generatorReasons: [],
      inconclusive: false,
      noiseReasons: [],
    };
  });
  return {
    schemaVersion: 2,
    target: 'https://127.0.0.1:8443/<script>alert(1)</script>',
    configuration: 'ECDSA P-256, chain 2, resumption off',
    startedAt: '2026-11-25T19:00:00.000Z',
    endedAt: '2026-11-25T19:00:20.000Z',
    settings: { startRate: 100, maxRate: 5_000, stepMs: 2_000, warmupMs: 500, minAttempts: 50, resolution: 0.05, maxSteps: 20, resume: false, workers: 2, workersChosenBy: 'local-target', timeoutMs: 5_000 },
    slos: ['handshake.p95 < 50ms', 'success.rate >= 99%'],
    capacity: 400,
    capacityText: '400/s',
    limitedBy: 'slo:handshake.p95 < 50ms',
    atLeast: false,
    noise: null,
    confirmed: true,
    converged: true,
    failingRate: 500,
    generatorReasons: [],
    steps,
    ...overrides,
  };
}
