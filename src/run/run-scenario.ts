import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MtlsChaosError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { startLab, type StartedLab } from '../lab/index.js';
import {
  formatRate,
  profileDurationMs,
  runLoad,
  type ClientIdentity,
  type LoadOutcome,
  type LoadProfile,
  type LoadTargetSpec,
} from '../load/index.js';
import { MetricsRecorder, startCpuSampling, type RecordedMetrics } from '../metrics/index.js';
import { buildLabPki, type LabPki } from '../pki/index.js';
import { writeReports } from '../report/index.js';
import { RESULT_SCHEMA_VERSION, type RunResult, type RunWarning } from '../result/index.js';
import type { Scenario } from '../scenario/index.js';
import { evaluateSlos } from '../slo/index.js';
import { summarisePki } from './pki-summary.js';
import { p95Of, renderProgressLine } from './progress-line.js';
import { newRunId } from './run-id.js';
import { warmUp } from './warm-up.js';
import { withDuration } from './with-duration.js';

export const TOOL_VERSION = '0.1.0';

export interface RunOptions {
  /** Parent folder of the run's folder; default ./reports. */
  readonly outDir?: string;
  /** Replaces the scenario's load duration (a quick try, or a longer soak). */
  readonly durationMs?: number;
  /** Aborting it stops the load, stops the lab and still writes the (aborted) result. */
  readonly signal: AbortSignal;
  /** Which signal aborted the run, for the exit code (130 SIGINT, 143 SIGTERM). */
  readonly abortedBy?: () => NodeJS.Signals | undefined;
  /** A progress line about once a second. */
  readonly onProgress?: (line: string) => void;
  /** Lab events (component started/stopped). */
  readonly log?: (line: string) => void;
}

export interface RunOutcome {
  readonly result: RunResult;
  /** The run's report folder. */
  readonly dir: string;
  readonly files: readonly string[];
  readonly exitCode: ExitCode;
}

/**
 * Runs one scenario on the local runtime: PKI, lab, load, metrics, SLO verdict, reports. The lab
 * is always stopped and the temp folder (keys) always removed; whatever happens, a result is
 * written, marked aborted or failed when it did not complete.
 */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunOutcome> {
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const dir = resolve(options.outDir ?? 'reports', `${scenario.name}-${runId}`);
  const profile = options.durationMs === undefined ? scenario.load.profile : withDuration(scenario.load.profile, options.durationMs);
  const plannedDurationMs = profileDurationMs(profile);
  const workDir = await mkdtemp(join(tmpdir(), `mtls-chaos-${runId}-`));
  const log = options.log ?? (() => undefined);

  let pki: LabPki | undefined;
  let lab: StartedLab | undefined;
  let outcome: LoadOutcome | undefined;
  let recorded: RecordedMetrics | undefined;
  let failure: unknown;
  const recorder = new MetricsRecorder({ phaseAt: () => 'baseline' });
  try {
    pki = await buildLabPki({
      algorithm: scenario.pki.algorithm,
      clients: scenario.pki.clients,
      clientLifetimeMs: scenario.pki.clientLifetimeMs,
      serverLifetimeMs: scenario.pki.serverLifetimeMs,
      signal: options.signal,
    });
    lab = await startLab(scenario.lab, pki, { workDir, signal: options.signal, runId, log });
    outcome = await driveLoad(scenario, profile, plannedDurationMs, pki, lab, recorder, options);
  } catch (error) {
    failure = error;
  } finally {
    try {
      await lab?.stop();
    } catch (error) {
      failure ??= error;
    }
    await rm(workDir, { recursive: true, force: true });
  }
  recorded = recorder.finish(outcome?.durationMs ?? 0);

  const aborted = options.signal.aborted;
  const status: RunResult['status'] = aborted ? 'aborted' : failure ? 'failed' : 'completed';
  const phases: RunResult['phases'] = outcome ? [{ phase: 'baseline', startMs: 0, endMs: outcome.durationMs }] : [];
  const evidence = { summary: recorded.summary, byPhase: recorded.byPhase, cpu: recorded.cpu, phases };
  const slos = outcome ? evaluateSlos(scenario.slos.map(({ parsed, scope }) => ({ slo: parsed, scope })), evidence) : [];
  const endedAt = new Date();
  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'mtls-chaos', version: TOOL_VERSION },
    scenario: { name: scenario.name, description: scenario.description, file: scenario.file, runtime: 'local' },
    status,
    verdict: status === 'completed' && slos.every((slo) => slo.passed) ? 'pass' : 'fail',
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    load: {
      profile: describeProfile(profile),
      plannedDurationMs,
      actualDurationMs: outcome?.durationMs ?? 0,
      identities: scenario.load.identities,
      resumption: scenario.load.resumption,
      target: lab ? `https://${lab.gateway.host}:${lab.gateway.port}${scenario.load.path}` : '(lab not started)',
    },
    lab: {
      components: lab?.components ?? [],
      ...(pki ? { pki: summarisePki(pki) } : {}),
    },
    phases,
    summary: recorded.summary,
    byPhase: recorded.byPhase,
    byReplica: recorded.byReplica,
    timeline: recorded.timeline,
    cpu: recorded.cpu,
    errorSamples: recorded.errorSamples,
    slos,
    warnings: [...recorded.warnings, ...loadWarnings(outcome)],
    ...(failure && !aborted ? { error: describeFailure(failure) } : {}),
  };
  const files = await writeReports(result, dir);
  return { result, dir, files, exitCode: exitCodeOf(result, options.abortedBy?.()) };
}

async function driveLoad(
  scenario: Scenario,
  profile: LoadProfile,
  plannedDurationMs: number,
  pki: LabPki,
  lab: StartedLab,
  recorder: MetricsRecorder,
  options: RunOptions,
): Promise<LoadOutcome> {
  const identities: ClientIdentity[] = pki.clients
    .slice(0, scenario.load.identities)
    .map((client) => ({ name: client.name, certPem: client.chainPem, keyPem: client.keyPem }));
  const gateway = lab.gateway;
  let stopSampling = () => {};
  const startSampling = () => startCpuSampling({
    gatewayPids: () => gateway.pids(),
    onSample: (second, gatewayPercent, generatorPercent) => {
      if (gatewayPercent !== undefined) recorder.recordCpu('gateway', second, gatewayPercent);
      recorder.recordCpu('generator', second, generatorPercent);
    },
    signal: options.signal,
  });
  // Handshake times of the last second only, for the progress line's "current p95".
  let recentHandshakes: number[] = [];
  const target: LoadTargetSpec = {
    url: `https://${gateway.host}:${gateway.port}${scenario.load.path}`,
    identities,
    caPem: gateway.caPem,
    servername: gateway.servername,
    timeoutMs: scenario.load.timeoutMs,
    resume: scenario.load.resumption,
    ...(gateway.rejectionReasonSince
      ? { serverReason: (context) => gateway.rejectionReasonSince!(context.startedAt.getTime()) }
      : {}),
  };
  await warmUp(target, options.signal);
  // Sampling starts with the load so that its seconds line up with the timeline's.
  stopSampling = startSampling();
  try {
    return await runLoad(
      profile,
      target,
      {
        signal: options.signal,
        onAttempt: (record) => {
          recorder.record(record);
          if (record.tlsHandshakeMs !== undefined) recentHandshakes.push(record.tlsHandshakeMs);
        },
        onProgress: (progress) => {
          const recentHandshakeP95Ms = p95Of(recentHandshakes);
          recentHandshakes = [];
          options.onProgress?.(renderProgressLine({ progress, plannedDurationMs, recentHandshakeP95Ms }));
        },
      },
    );
  } finally {
    stopSampling();
  }
}

function describeProfile(profile: LoadProfile): string {
  switch (profile.kind) {
    case 'constant-rate':
      return `open loop ${formatRate(profile.ratePerSecond)} for ${profile.durationMs / 1000}s`;
    case 'concurrency':
      return `closed loop, ${profile.concurrency} concurrent, for ${profile.durationMs / 1000}s`;
    case 'ramp':
      return `ramp from ${formatRate(profile.startRatePerSecond)}: ${profile.stages
        .map((stage) => `${formatRate(stage.toRatePerSecond)} over ${stage.durationMs / 1000}s`)
        .join(', ')}`;
  }
}

function loadWarnings(outcome: LoadOutcome | undefined): RunWarning[] {
  if (!outcome || outcome.dropped === 0) return [];
  return [
    {
      code: 'ATTEMPTS_DROPPED',
      message:
        `${outcome.dropped} scheduled attempts were not started: ${outcome.inFlightLimit} were already in flight ` +
        `(the generator's bound). The gateway was answering too slowly for this rate, or the timeout is long.`,
    },
  ];
}

function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof MtlsChaosError) return { code: error.code, message: error.message };
  return { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function exitCodeOf(result: RunResult, signal: NodeJS.Signals | undefined): ExitCode {
  if (result.status === 'aborted') return signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
  if (result.status === 'failed') return ExitCode.InvalidInput;
  return result.verdict === 'pass' ? ExitCode.Ok : ExitCode.SloBreached;
}
