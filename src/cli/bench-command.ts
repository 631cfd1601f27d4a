import { Command } from 'commander';
import { formatDuration, parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import {
  BENCH_SCHEMA_VERSION,
  MAX_GENERATOR_WORKERS,
  MAX_STRETCHED_STEP_MS,
  defaultGeneratorWorkers,
  describeConfiguration,
  formatBenchReport,
  formatMatrix,
  formatStepLine,
  matrixCombinations,
  parseMatrixDimensions,
  runBench,
  writeBenchHtml,
  startBenchLab,
  type BenchReport,
  type BenchSettings,
  type MatrixRow,
} from '../bench/index.js';
import { targetIsOnThisMachine } from '../bench/index.js';
import { sweepDeadRuns } from '../lab/index.js';
import { MAX_IN_FLIGHT, defaultInFlightLimit, formatRate, parseRate } from '../load/index.js';
import { newRunId, watchInterrupts } from '../run/index.js';
import { loadScenario, type Scenario } from '../scenario/index.js';
import { parseSlo, type ParsedSlo } from '../slo/index.js';
import { allowTargetOption, guardCommandTarget, guardScenarioTarget, printPlan } from './allow-target-flag.js';
import { clientCaOption, collect, loadIdentityFlags, wholeNumber, type IdentityFlags } from './identity-flags.js';
import { emitJson, jsonOption, jsonOutOption, type JsonOutputFlags } from './json-output.js';
import { printErr } from './print.js';
import { visibleText } from '../visible-text.js';
import type { RecorderObserver } from '../metrics/index.js';
import type { RunInfo } from '../observe/index.js';
import { metricsListenOption, parseMetricsFlags, prometheusRwOption, startLiveMetrics, type MetricsFlags, type ParsedMetricsFlags } from './metrics-flags.js';

interface BenchFlags extends Partial<IdentityFlags>, JsonOutputFlags, MetricsFlags {
  servername?: string;
  slo: string[];
  start: string;
  max: string;
  step: string;
  warmup?: string;
  minAttempts: string;
  resolution: string;
  maxSteps: string;
  /** Undefined when neither --resume nor --no-resume was given. */
  resume?: boolean;
  html?: string;
  workers?: string;
  maxInFlight?: string;
  timeout?: string;
  gatewayPid: string[];
  matrix?: string | true;
  allowTarget: string[];
}

export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'find the knee: the highest rate of new mTLS handshakes (attempts/s) at which every SLO holds. Open-loop steps ' +
        '(each with an uncounted warm-up), an exponential ramp until an SLO breaks, bisection down to --resolution, and a ' +
        'confirming repeat. Says what limited the figure: slo:<expr>, generator (then the answer is "at least N/s") or max. ' +
        'Against a URL (with --cert/--key/--ca), or a scenario\'s lab gateway (its SLOs unless --slo is given); --matrix compares ' +
        'key algorithm, chain depth, resumption, OCSP and TLS version for a scenario, one change at a time. ' +
        'Exit 0 when a capacity was found, 1 when not even the lowest rate passed, 2 on bad input or a lab that could not start',
    )
    .argument('<target>', 'https://host[:port][/path] of a gateway you run, or a scenario file (see scenarios/bench-nginx.ts)')
    .option('--cert <file>', 'client certificate (PEM: leaf, then intermediates); repeat for several identities', collect, [])
    .option('--key <file>', 'private key of each --cert, in the same order', collect, [])
    .option('--ca <file>', 'CA bundle (PEM) that verifies the server certificate')
    .addOption(clientCaOption())
    .option('--servername <name>', 'SNI and the name the server certificate must carry (default: the URL host)')
    .option('--slo <expr>', 'an SLO every step must meet, as `run` accepts them: "handshake.p95 < 100ms", "success.rate >= 99.9%"; repeatable', collect, [])
    .option('--start <rate>', 'first step rate', '50/s')
    .option('--max <rate>', 'highest rate tried', '5000/s')
    .option('--step <duration>', 'measured length of each step', '10s')
    .option('--warmup <duration>', 'uncounted warm-up before each step (default: a fifth of --step, 0.5s to 2s)')
    .option('--min-attempts <n>', `stretch a step at a low rate until it holds n measured attempts (at most ${MAX_STRETCHED_STEP_MS / 1_000}s): an SLO judged on a handful of attempts flips on one stray failure`, '50')
    .option('--resolution <ratio>', 'stop bisecting when the passing and failing rates are this close, e.g. 5%', '5%')
    .option('--max-steps <n>', 'bound on the number of steps', '20')
    // Full handshakes unless asked: a capacity quoted from a URL counts new mTLS handshakes, as
    // scenarios do (load.resumption defaults to false); --resume measures resumed ones.
    .option('--resume', 'offer each identity\'s last TLS session (default: full handshakes; for a scenario, its load.resumption)')
    .option('--no-resume', 'always do full handshakes, even for a scenario with load.resumption: true')
    .addOption(jsonOption('the result (capacity, limitedBy, steps[])'))
    .addOption(jsonOutOption('the result (capacity, limitedBy, steps[])'))
    .option('--html <file>', 'write one self-contained HTML page to <file>: latency, success and CPU against the offered rate, the knee marked, the steps')
    .option('--workers <n>', `load generator worker threads (default: every core, here ${defaultGeneratorWorkers(false)}, for a gateway on another machine; cores - 1, here ${defaultGeneratorWorkers(true)}, for one on this machine: a loopback or local address, a lab, or --gateway-pid)`)
    .option('--max-in-flight <n>', 'bound on attempts in flight across the generator; beyond it attempts are dropped (and blamed on the generator)')
    .option('--timeout <duration>', 'per-attempt timeout (default 5s, or the scenario\'s load.timeout)')
    .option('--gateway-pid <pid>', 'a process of the gateway, for gateway.cpu SLOs and the CPU column; repeatable', collect, [])
    .option('--matrix [dimensions]', `scenario only: one bench per configuration, changing one of ${'key, chain, resumption, ocsp, tls'} at a time (default all), and a table relative to the first`)
    .addOption(allowTargetOption())
    .addOption(metricsListenOption())
    .addOption(prometheusRwOption())
    .action(async (target: string, flags: BenchFlags) => {
      if (/^https?:\/\//i.test(target)) await bench(target, flags);
      else await benchScenario(target, flags);
    });
}

async function bench(target: string, flags: BenchFlags): Promise<void> {
  // First: targetIsOnThisMachine below resolves the name, and a DNS query is already a packet sent.
  const guarded = guardCommandTarget('bench', target, flags.allowTarget);
  const metricsFlags = parseMetricsFlags(flags);
  if (flags.matrix !== undefined) {
    throw new UsageError('E_CLI_FLAG', '--matrix needs a scenario: it starts one lab per configuration', { hint: 'e.g. mtls-chaos bench scenarios/bench-nginx.ts --matrix' });
  }
  const gatewayPids = flags.gatewayPid.map((pid) => wholeNumber(pid, '--gateway-pid', 1, 2 ** 22));
  const settings = settingsFrom(flags, { targetOnThisMachine: gatewayPids.length > 0 || (await targetIsOnThisMachine(target)) });
  const slos = flags.slo.map((expression) => parseSlo(expression));
  if (slos.length === 0) {
    throw new UsageError('E_CLI_FLAG', 'bench needs at least one --slo: the knee is where an SLO breaks', {
      hint: 'e.g. --slo "handshake.p95 < 100ms" --slo "success.rate >= 99.9%"',
    });
  }
  checkCpuSlos(slos, gatewayPids.length > 0);
  if (!flags.ca) throw new UsageError('E_CLI_FLAG', 'bench against a URL needs --ca (and --cert/--key for the client identity)', { hint: 'e.g. --cert client.crt.pem --key client.key.pem --ca trust-bundle.pem' });
  const { identities, caPem, clientCaPem } = await loadIdentityFlags({ cert: flags.cert ?? [], key: flags.key ?? [], ca: flags.ca, ...(flags.clientCa ? { clientCa: flags.clientCa } : {}) });
  printPlan('bench', guarded, describeBenchPlan(settings));
  const runInfo = { scenario: `bench ${target}`, runId: newRunId(new Date()), runtime: 'external', gatewayKind: 'external' };
  const report = await withLiveMetrics(metricsFlags, runInfo, (observer) =>
    withInterrupts((signal) =>
      runBench(
        {
          spec: {
            url: target,
            identities,
            caPem,
            ...(clientCaPem !== undefined ? { clientCaPem } : {}),
            ...(flags.servername !== undefined ? { servername: flags.servername } : {}),
          },
          gatewayPids: () => gatewayPids,
        },
        {
          settings,
          slos,
          signal,
          onStep: (step) => printErr(`${formatStepLine(step)}\n`),
          ...(observer ? { observer } : {}),
        },
      ),
    ),
  );
  if (!report) return;
  await emitBenchReport(report, flags);
  process.exitCode = benchExitCode(report);
}

/**
 * `bench <scenario>`: the scenario's lab gateway, its load's identities, TLS offer and resumption,
 * its whole-run and baseline SLOs (or --slo). With --matrix, one lab per configuration in turn.
 */
async function benchScenario(file: string, flags: BenchFlags): Promise<void> {
  if (flags.matrix !== undefined && flags.html !== undefined) {
    throw new UsageError('E_CLI_FLAG', '--html plots one bench; --matrix runs several', { hint: 'drop --html (the matrix JSON has every report), or bench one configuration with --html' });
  }
  const metricsFlags = parseMetricsFlags(flags);
  const scenario = await loadScenario(file);
  const guarded = guardScenarioTarget('bench', scenario, flags.allowTarget);
  if (scenario.faults.length > 0) {
    throw new UsageError('E_BENCH_FAULTS', `${file}: bench measures a healthy lab, and this scenario has ${scenario.faults.length} fault(s)`, {
      file,
      path: ['faults'],
      hint: 'bench a scenario without faults, e.g. scenarios/bench-nginx.ts',
    });
  }
  // A lab runs on this machine (or its docker engine): leave the gateway a core.
  const settings = settingsFrom(flags, { targetOnThisMachine: true, defaultTimeoutMs: scenario.load.timeoutMs });
  if (guarded) printPlan('bench', guarded, describeBenchPlan(settings));
  const slos =
    flags.slo.length > 0
      ? flags.slo.map((expression) => parseSlo(expression))
      : scenario.slos.filter(({ scope }) => scope === 'run' || scope === 'baseline').map(({ parsed }) => parsed);
  if (slos.length === 0) {
    throw new UsageError('E_CLI_FLAG', `${file} has no whole-run SLOs and no --slo was given: the knee is where an SLO breaks`, {
      hint: 'add --slo "handshake.p95 < 100ms", or slos: [...] to the scenario',
    });
  }
  const base: Scenario = { ...scenario, load: { ...scenario.load, resumption: flags.resume ?? scenario.load.resumption } };
  const { combinations, skipped } = flags.matrix === undefined ? { combinations: [{ label: describeConfiguration(base), change: '', scenario: base }], skipped: [] } : matrixCombinations(base, parseMatrixDimensions(flags.matrix));
  await sweepDeadRuns();
  const rows: MatrixRow[] = [];
  const runInfo = { scenario: scenario.name, runId: newRunId(new Date()), runtime: scenario.runtime, gatewayKind: scenario.lab.gateway.kind };
  const finished = await withLiveMetrics(metricsFlags, runInfo, (observer) => withInterrupts(async (signal) => {
    for (const [index, combination] of combinations.entries()) {
      printErr(`${combinations.length > 1 ? `[${index + 1}/${combinations.length}] ` : ''}${combination.label}: starting the lab\n`);
      const lab = await startBenchLab(combination.scenario, { runId: newRunId(new Date()), signal, configuration: combination.label });
      try {
        const report = await runBench(lab.target, {
          settings: { ...settings, resume: combination.scenario.load.resumption },
          slos,
          signal,
          onStep: (step) => printErr(`${formatStepLine(step)}\n`),
          ...(observer ? { observer } : {}),
        });
        rows.push({ combination: combination as MatrixRow['combination'], report });
        printErr(`${combination.label}: capacity ${report.capacityText} (limited by ${report.limitedBy})\n`);
      } finally {
        await lab.stop();
      }
    }
    return true;
  }));
  if (!finished) return;
  if (flags.matrix === undefined) {
    const report = rows[0]!.report;
    await emitBenchReport(report, flags);
    process.exitCode = benchExitCode(report);
    return;
  }
  await emitJson(
    flags,
    {
      schemaVersion: BENCH_SCHEMA_VERSION,
      scenario: scenario.name,
      slos: slos.map((slo) => slo.expression),
      skipped,
      combinations: rows.map(({ combination, report }) => ({
        configuration: combination.label,
        ...(combination.dimension ? { dimension: combination.dimension, change: combination.change } : {}),
        capacity: report.capacity,
        capacityText: report.capacityText,
        limitedBy: report.limitedBy,
        relative: rows[0]!.report.capacity > 0 ? report.capacity / rows[0]!.report.capacity : null,
        report,
      })),
    },
    () => `bench ${visibleText(file)} --matrix: capacity per configuration, each relative to the first\n\n${formatMatrix(rows, skipped)}`,
  );
  process.exitCode = rows.every((row) => row.report.capacity > 0) ? ExitCode.Ok : ExitCode.SloBreached;
}

async function emitBenchReport(report: BenchReport, flags: BenchFlags): Promise<void> {
  await emitJson(flags, report, () => formatBenchReport(report));
  if (flags.html !== undefined) await writeBenchHtml(flags.html, report);
}

/** 0 when some rate passed; 1 when not even the lowest one did. */
export function benchExitCode(report: BenchReport): number {
  return report.capacity > 0 ? ExitCode.Ok : ExitCode.SloBreached;
}

export function settingsFrom(flags: BenchFlags, target: { targetOnThisMachine: boolean; defaultTimeoutMs?: number }): BenchSettings {
  const defaultTimeoutMs = target.defaultTimeoutMs ?? 5_000;
  const startRate = parseRate(flags.start, '--start');
  const maxRate = parseRate(flags.max, '--max');
  if (maxRate < startRate) throw new UsageError('E_CLI_FLAG', `--max ${flags.max} is below --start ${flags.start}`, { hint: 'give a --max at or above --start' });
  const stepMs = parseDuration(flags.step, '--step');
  if (stepMs < 500 || stepMs > 600_000) throw new UsageError('E_CLI_FLAG', `--step must be from 500ms to 10m; got ${flags.step}`, { hint: 'e.g. --step 10s' });
  const warmupMs = flags.warmup === undefined ? Math.min(2_000, Math.max(500, stepMs / 5)) : parseDuration(flags.warmup, '--warmup');
  if (warmupMs > 60_000) throw new UsageError('E_CLI_FLAG', `--warmup must be at most 1m; got ${flags.warmup}`, { hint: 'e.g. --warmup 2s' });
  const timeoutMs = flags.timeout === undefined ? defaultTimeoutMs : parseDuration(flags.timeout, '--timeout');
  if (timeoutMs <= 0 || timeoutMs > 60_000) throw new UsageError('E_CLI_FLAG', `--timeout must be more than 0 and at most 1m; got ${flags.timeout}`, { hint: 'e.g. --timeout 5s' });
  return {
    startRate,
    maxRate,
    stepMs,
    warmupMs,
    minAttempts: wholeNumber(flags.minAttempts, '--min-attempts', 1, 100_000),
    resolution: parseResolution(flags.resolution),
    maxSteps: wholeNumber(flags.maxSteps, '--max-steps', 1, 100),
    resume: flags.resume ?? false,
    workers: flags.workers === undefined ? defaultGeneratorWorkers(target.targetOnThisMachine) : wholeNumber(flags.workers, '--workers', 1, MAX_GENERATOR_WORKERS),
    workersChosenBy: flags.workers !== undefined ? 'flag' : target.targetOnThisMachine ? 'local-target' : 'remote-target',
    timeoutMs,
    ...(flags.maxInFlight === undefined ? {} : { maxInFlight: wholeNumber(flags.maxInFlight, '--max-in-flight', 1, 100_000) }),
  };
}

/**
 * The bounds of a bench before it starts: the rates it may offer, how many steps of what length,
 * and attempts in flight at most (the --max-in-flight given, or what the generator's workers
 * would allow themselves at the highest rate, capped at MAX_IN_FLIGHT each).
 */
export function describeBenchPlan(settings: BenchSettings): string {
  const perWorker = { kind: 'constant-rate', ratePerSecond: settings.maxRate / settings.workers, durationMs: settings.stepMs } as const;
  const inFlight = settings.maxInFlight ?? settings.workers * defaultInFlightLimit(perWorker, settings.timeoutMs);
  return (
    `open-loop steps from ${formatRate(settings.startRate)} up to ${formatRate(settings.maxRate)} at most, ` +
    `${settings.maxSteps} step${settings.maxSteps === 1 ? '' : 's'} at most of ${formatDuration(settings.stepMs)} (+${formatDuration(settings.warmupMs)} warm-up each, longer at low rates for --min-attempts), ` +
    `${inFlight} in flight at most, timeout ${formatDuration(settings.timeoutMs)} per attempt (hard caps ${MAX_IN_FLIGHT} in flight per worker, ${settings.workers} worker(s))`
  );
}

function parseResolution(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : Number.NaN;
  if (!(value >= 0.005 && value <= 0.5)) {
    throw new UsageError('E_CLI_FLAG', `--resolution must be from 0.5% to 50%; got "${text}"`, { hint: 'e.g. --resolution 5% (or 0.05)' });
  }
  return value;
}

/** A gateway CPU SLO without a known gateway process could never pass: say so before any load. */
export function checkCpuSlos(slos: readonly ParsedSlo[], gatewayCpuKnown: boolean): void {
  const cpu = slos.find((slo) => slo.metric.startsWith('gateway.cpu.'));
  if (cpu && !gatewayCpuKnown) {
    throw new UsageError('E_CLI_FLAG', `SLO "${cpu.expression}" needs the gateway's CPU, which is not known for an external URL`, {
      hint: 'pass --gateway-pid <pid> for a gateway on this machine, or bench a lab scenario',
    });
  }
}

/**
 * `--metrics-listen` / `--prometheus-rw` around a bench: every measured attempt of every step in
 * the live series (phase "baseline": a bench has no faults); the last numbers reach Prometheus
 * before the command ends (LiveMetrics.settle).
 */
async function withLiveMetrics<T>(flags: ParsedMetricsFlags, info: RunInfo, work: (observer: RecorderObserver | undefined) => Promise<T>): Promise<T> {
  const live = await startLiveMetrics(flags);
  live?.metrics.describeRun(info);
  try {
    const result = await work(live?.metrics.recorderObserver);
    await live?.settle();
    return result;
  } finally {
    await live?.close();
  }
}

/**
 * Runs `work` with SIGINT/SIGTERM turned into an abort. Interrupted: says so, sets exit 130/143
 * and resolves undefined (every process the bench started is stopped by then).
 */
export async function withInterrupts<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  const interrupts = watchInterrupts();
  try {
    return await work(interrupts.signal);
  } catch (error) {
    const received = interrupts.received();
    if (!received) throw error;
    printErr(`bench aborted by ${received}: no result written\n`);
    process.exitCode = received === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
    return undefined;
  } finally {
    interrupts.dispose();
  }
}
