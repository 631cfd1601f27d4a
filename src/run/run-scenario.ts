import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { MtlsChaosError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { createOutputDir } from '../output-dir.js';
import { RunRegistry, startLab, startRunWatchdog, sweepDeadRuns, type StartedLab } from '../lab/index.js';
import type { DockerRuntime } from '../lab/docker/index.js';
import {
  formatRate,
  profileDurationMs,
  runLoad,
  type LoadOutcome,
  type LoadProfile,
  type LoadControl,
} from '../load/index.js';
import { MetricsRecorder, measureRecovery, startCpuSampling, type AttemptRecord, type RecordedMetrics } from '../metrics/index.js';
import { buildLabPki, readPkiIssuer, type LabPki } from '../pki/index.js';
import { writeClientCaBundle } from './client-ca-bundle.js';
import { writeReports } from '../report/index.js';
import {
  RESULT_SCHEMA_VERSION,
  type FaultRecord,
  type RecoverySummary,
  type RunResult,
  type RunWarning,
} from '../result/index.js';
import { ScenarioError, observeRuntimeProblem, type Scenario } from '../scenario/index.js';
import { evaluateSlos } from '../slo/index.js';
import { alertsOfRun } from '../observe/index.js';
import { assertRuntimeHostsFaults, FaultTimeline, type FaultContext } from '../faults/index.js';
import { summarisePki } from './pki-summary.js';
import { liveStatus, type LiveStatus } from './live-status.js';
import { p95Of, type ProgressSnapshot } from './progress-line.js';
import { newRunId } from './run-id.js';
import { warmUp } from './warm-up.js';
import { withDuration } from './with-duration.js';
import { ReplicaAttribution } from './replica-attribution.js';
import { driveExternalLoad, type ExternalLoadOptions } from './external-load.js';
import { DEFAULT_CHECKPOINT_INTERVAL_MS, checkpointResult, startResultCheckpoints } from './result-checkpoint.js';
import { untilUrgent } from './until-urgent.js';
import { scenarioLoadTarget } from './scenario-load-target.js';
import { harnessOcspEndpoint } from './harness-ocsp-url.js';
import { TOOL_VERSION } from '../version.js';
import type { LiveMetrics } from '../observe/index.js';
import { LiveMetricsFeed } from './live-metrics-feed.js';

export { TOOL_VERSION };

export interface RunOptions {
  /** Parent folder of the run's folder; default ./reports. */
  readonly outDir?: string;
  /** Replaces the scenario's load duration (a quick try, or a longer soak). */
  readonly durationMs?: number;
  /** Aborting it stops the load, stops the lab and still writes the (aborted) result. */
  readonly signal: AbortSignal;
  /**
   * Stop now (a second Ctrl-C): every process group of the run is killed and its temp folder
   * removed at once, and the graceful waits (heals, component stop grace) are skipped.
   */
  readonly urgent?: AbortSignal;
  /** How often result.json is written (status running) during the run; default 10 s. */
  readonly checkpointIntervalMs?: number;
  /** Which signal aborted the run, for the exit code (130 SIGINT, 143 SIGTERM). */
  readonly abortedBy?: () => NodeJS.Signals | undefined;
  /** The live status about once a second (progress, active faults, SLOs so far). */
  readonly onProgress?: (status: LiveStatus) => void;
  /** Lab events (component started/stopped). */
  readonly log?: (line: string) => void;
  /** `run --load external`: no load of ours; the lab and the faults run while another engine (k6) loads it. */
  readonly externalLoad?: ExternalLoadOptions;
  /** Every finished attempt of our own load, as measured (tests turn them into other engines' formats). */
  readonly onAttempt?: (record: AttemptRecord) => void;
  /** Where components run; replaces the scenario's `runtime`. */
  readonly runtime?: 'local' | 'docker';
  /** Live Prometheus series (`--metrics-listen`, `--prometheus-rw`); the caller starts and closes it, the run feeds and settles it. */
  readonly liveMetrics?: LiveMetrics;
  /**
   * observe.prometheus: the Prometheus that scrapes this run and evaluates the scenario's rules.
   * The caller starts it and stops it after the run; the run reads what its alerts did during the
   * load into result.alerts, for the alert.<Name>.* SLOs.
   */
  readonly alertsFrom?: { readonly prometheusUrl: string };
}

export interface RunOutcome {
  readonly result: RunResult;
  /** The run's report folder. */
  readonly dir: string;
  readonly files: readonly string[];
  readonly exitCode: ExitCode;
}

/**
 * Runs one scenario on its runtime (local, or docker): PKI, lab, load, metrics, SLO verdict, reports. The lab
 * is always stopped and the temp folder (keys) always removed; whatever happens, a result is
 * written, marked aborted or failed when it did not complete.
 */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunOutcome> {
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const dir = resolve(options.outDir ?? 'reports', `${scenario.name}-${runId}`);
  const profile = options.durationMs === undefined ? scenario.load.profile : withDuration(scenario.load.profile, options.durationMs);
  const plannedDurationMs = profileDurationMs(profile);
  const log = options.log ?? (() => undefined);
  const runtimeKind = options.runtime ?? scenario.runtime;
  // A fault the runtime cannot host is refused before anything starts (exit code 2).
  assertRuntimeHostsFaults(scenario.faults, runtimeKind, scenario.file);
  // And a Prometheus for observe.prometheus on a runtime that cannot start it (`run --runtime docker`).
  const observeProblem = scenario.observe && observeRuntimeProblem(runtimeKind);
  if (observeProblem) {
    throw new ScenarioError('E_SCENARIO_RUNTIME', `observe.prometheus ${observeProblem}`, { file: scenario.file, path: ['observe', 'prometheus'], hint: 'run it with --runtime local' });
  }
  // So is an --out that cannot hold the reports (an existing file, no permission): no lab for nothing.
  await createOutputDir(dirname(dir));
  // Leftovers of runs that were killed (SIGKILL, a crashed CI runner) go before this one starts.
  const swept = await sweepDeadRuns();
  if (swept.runs > 0) log(`cleaned up ${swept.runs} dead run(s): ${swept.processes} process group(s), ${swept.tempDirs} temp folder(s)`);
  const workDir = await mkdtemp(join(tmpdir(), `mtls-chaos-${runId}-`));
  // Registered so that if this harness is killed, the next run (or `mtls-chaos cleanup`) removes the keys.
  const registry = new RunRegistry(`${runId}.run`);
  await registry.addTempDir(workDir);
  // And if it is killed with SIGKILL, its watchdog removes them at once, containers too.
  const watchdog = startRunWatchdog({ docker: runtimeKind === 'docker' });
  if (watchdog.pid !== undefined) await registry.setWatchdog(watchdog.pid);
  // The lab's processes are killed by the lab's own registry (startLab listens to `urgent` too).
  const stopNow = () => log(`stopping now: removed ${registry.killNow().tempDirs} temp folder(s) with keys`);
  if (options.urgent?.aborted) stopNow();
  else options.urgent?.addEventListener('abort', stopNow, { once: true });

  let dockerRuntime: DockerRuntime | undefined;
  let pki: LabPki | undefined;
  let lab: StartedLab | undefined;
  let outcome: LoadOutcome | undefined;
  let recorded: RecordedMetrics | undefined;
  let failure: unknown;
  const timeline = new FaultTimeline(scenario.faults);
  const live = new LiveMetricsFeed(options.liveMetrics, { scenario: scenario.name, runId, runtime: runtimeKind, gatewayKind: scenario.lab.gateway.kind, timeline });
  const recorder = new MetricsRecorder({
    phaseAt: (ms) => timeline.phaseAt(ms),
    phaseOfAttempt: (scheduledAtMs, endMs) => timeline.phaseOfAttempt(scheduledAtMs, endMs),
    ...(live.observer ? { observer: live.observer } : {}),
  });
  // Set once the load runs: what faults act through, and what heals them on the way out.
  let faultContext: FaultContext | undefined;
  let loadStartedEpochMs: number | undefined;
  let retargetsIgnored = 0;
  let loadStartedPerfMs: number | undefined;
  const checkpoints = startResultCheckpoints({
    dir,
    intervalMs: options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
    log,
    build: () => {
      if (loadStartedPerfMs === undefined || !lab) return undefined;
      const elapsedMs = performance.now() - loadStartedPerfMs;
      const snapshot = recorder.snapshot(elapsedMs);
      return checkpointResult({
        base: {
          schemaVersion: RESULT_SCHEMA_VERSION,
          tool: { name: 'mtls-chaos', version: TOOL_VERSION },
          scenario: { name: scenario.name, description: scenario.description, file: scenario.file, runtime: runtimeKind },
          startedAt: startedAt.toISOString(),
          lab: { components: lab.components, ...(lab.gatewayConfig ? { gatewayConfig: lab.gatewayConfig } : {}), ...(pki ? { pki: summarisePki(pki) } : {}) },
        },
        load: {
          profile: describeProfile(profile),
          plannedDurationMs,
          actualDurationMs: Math.round(elapsedMs),
          identities: scenario.load.identities,
          resumption: scenario.load.resumption,
          target: `https://${lab.gateway.host}:${lab.gateway.port}${scenario.load.path}`,
        },
        measured: { ...snapshot, phases: timeline.phaseWindows(elapsedMs), faults: timeline.records() },
      });
    },
  });
  try {
    const harnessOcsp = await harnessOcspEndpoint(scenario);
    if (harnessOcsp) log(`OCSP responder of this run: ${harnessOcsp.url} (in the AIA of its client certificates; your gateway asks it, e.g. nginx ssl_ocsp leaf)`);
    pki = await buildLabPki({
      algorithm: scenario.pki.algorithm,
      clients: scenario.pki.clients,
      intermediates: scenario.pki.intermediates,
      clientLifetimeMs: scenario.pki.clientLifetimeMs,
      serverLifetimeMs: scenario.pki.serverLifetimeMs,
      // A team's CA carries the harness's responder in what it issues here; the lab's own CAs take it from ocspUrl.
      ...(scenario.pki.issuer ? { issuer: await readPkiIssuer(scenario.pki.issuer, harnessOcsp ? { ocspUrl: harnessOcsp.url } : {}) } : {}),
      ...(harnessOcsp ? { ocspUrl: harnessOcsp.url } : {}),
      signal: options.signal,
    });
    live.pkiBuilt(pki);
    await writeClientCaBundle(scenario, pki, dir, log);
    await timeline.prepare({ pki, workDir, expectedLoadStartMs: Date.now() });
    if (runtimeKind === 'docker') {
      // Also sweeps the containers and networks of dead runs before creating this run's network.
      // Loaded on demand: testcontainers and dockerode cost 1-4 s of start-up that local runs never need.
      const { DockerRuntime } = await import('../lab/docker/index.js');
      dockerRuntime = await DockerRuntime.open({ runId, workDir });
      log(`docker runtime: network ${dockerRuntime.network}`);
    }
    const labSpec = harnessOcsp && scenario.lab.ocspResponder ? { ...scenario.lab, ocspResponder: { ...scenario.lab.ocspResponder, port: harnessOcsp.port } } : scenario.lab;
    lab = await startLab(labSpec, pki, {
      workDir,
      signal: options.signal,
      runId,
      log,
      ...(options.urgent ? { urgent: options.urgent } : {}),
      ...(dockerRuntime ? { runtime: dockerRuntime } : {}),
    });
    const startedLab = lab;
    const startedPki = pki;
    live.labStarted(lab, pki);
    const onLoadStart = (load: LoadControl, loadStartPerfMs: number) => {
      loadStartedEpochMs = performance.timeOrigin + loadStartPerfMs;
      loadStartedPerfMs = loadStartPerfMs;
      log('load started');
      faultContext = { lab: startedLab, pki: startedPki, load: live.faultLoad(load), workDir, log, signal: options.signal, runId, scenarioFile: scenario.file };
      timeline.start(faultContext, loadStartPerfMs);
    };
    const onSnapshot = (snapshot: ProgressSnapshot) => {
      live.progress(snapshot.progress);
      options.onProgress?.(liveStatus(snapshot, scenario, timeline, recorder));
    };
    outcome = options.externalLoad
      ? await driveExternalLoad(scenario, plannedDurationMs, pki, lab, workDir, recorder, options.externalLoad, options.signal, onLoadStart, () => (retargetsIgnored += 1))
      : await driveLoad(scenario, profile, plannedDurationMs, pki, lab, recorder, options, onLoadStart, (record) => {
          timeline.observe(record);
          options.onAttempt?.(record);
        }, onSnapshot);
  } catch (error) {
    failure = error;
  } finally {
    live.stopProbes();
    await checkpoints.stop();
    // Heal before stopping the lab: a fault may hold a component frozen or a file swapped.
    // After a second Ctrl-C the processes are already killed: nothing left to wait for.
    if (faultContext) {
      try {
        await untilUrgent(timeline.healAll(faultContext), options.urgent);
      } catch (error) {
        failure ??= error;
      }
    }
    try {
      await untilUrgent(lab?.stop(), options.urgent);
    } catch (error) {
      failure ??= error;
    }
    options.urgent?.removeEventListener('abort', stopNow);
    try {
      await dockerRuntime?.close();
    } catch (error) {
      failure ??= error;
    }
    await rm(workDir, { recursive: true, force: true });
    await registry.remove();
    watchdog.stop();
  }
  await live.settle(outcome, options.signal);
  // The load was offered until its schedule ended or the abort cut it; what follows is the wait
  // for the last attempts to end, which must not count as time the load ran (the last second's
  // rates). A load that broke (no outcome) has no known end: its seconds are taken as whole.
  const loadDurationMs = outcome?.durationMs ?? 0;
  recorded = recorder.finish(loadDurationMs, { fromMs: 0, untilMs: outcome ? Math.min(loadDurationMs, plannedDurationMs) : Number.POSITIVE_INFINITY });

  const aborted = options.signal.aborted;
  const status: RunResult['status'] = aborted ? 'aborted' : failure ? 'failed' : 'completed';
  const phases: RunResult['phases'] = outcome ? timeline.phaseWindows(outcome.durationMs) : [];
  const faults = timeline.records();
  const recovery = measureRecoveryOf(scenario, faults, recorded.timeline, status);
  // Read up to the load's end: after it no attempts are counted, so rates fall and alerts would
  // "clear" for a reason the system under test had no part in. Not cut short by the abort signal:
  // an aborted run keeps what its alerts did until then (each query is bounded by its own timeout).
  const alertOutcome =
    options.alertsFrom && outcome && loadStartedEpochMs !== undefined
      ? await alertsOfRun({ prometheusUrl: options.alertsFrom.prometheusUrl, loadStartEpochMs: loadStartedEpochMs, endEpochMs: loadStartedEpochMs + outcome.durationMs })
      : undefined;
  const alerts = alertOutcome?.alerts;
  const faultPhase = recorded.byPhase.fault;
  const blastRadius = faultPhase && faultPhase.attempts > 0 ? 1 - faultPhase.successRate : undefined;
  const evidence = {
    summary: recorded.summary,
    byPhase: recorded.byPhase,
    cpu: recorded.cpu,
    phases,
    ...(recovery ? { recovery } : {}),
    ...(blastRadius === undefined ? {} : { blastRadius }),
    faults,
    ...(alerts ? { alerts } : {}),
  };
  const slos = outcome ? evaluateSlos(scenario.slos.map(({ parsed, scope }) => ({ slo: parsed, scope })), evidence) : [];
  // With external load only the gateway's CPU is ours to judge; the rest waits for `import k6 --faults`.
  const judged = options.externalLoad ? slos.filter((slo) => slo.metric.startsWith('gateway.cpu.')) : slos;
  const endedAt = new Date();
  let result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'mtls-chaos', version: TOOL_VERSION },
    scenario: { name: scenario.name, description: scenario.description, file: scenario.file, runtime: runtimeKind },
    status,
    // A fault whose heal failed outside the lab may have left the system broken: never a pass.
    verdict: status === 'completed' && judged.every((slo) => slo.passed) && !faults.some((fault) => fault.mayBeLeftBroken) ? 'pass' : 'fail',
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    ...(loadStartedEpochMs === undefined ? {} : { loadStartedAt: new Date(loadStartedEpochMs).toISOString() }),
    load: {
      profile: `${options.externalLoad ? 'external load (planned: ' : ''}${describeProfile(profile)}${options.externalLoad ? ')' : ''}`,
      plannedDurationMs,
      actualDurationMs: outcome?.durationMs ?? 0,
      identities: scenario.load.identities,
      resumption: scenario.load.resumption,
      target: lab ? `https://${lab.gateway.host}:${lab.gateway.port}${scenario.load.path}` : '(lab not started)',
    },
    lab: {
      components: lab?.components ?? [],
      ...(lab?.gatewayConfig ? { gatewayConfig: lab.gatewayConfig } : {}),
      ...(pki ? { pki: summarisePki(pki) } : {}),
    },
    phases,
    summary: recorded.summary,
    byPhase: recorded.byPhase,
    byReplica: recorded.byReplica,
    timeline: recorded.timeline,
    cpu: recorded.cpu,
    errorSamples: recorded.errorSamples,
    slos: judged,
    faults,
    ...(recovery ? { recovery } : {}),
    ...(blastRadius === undefined ? {} : { blastRadius }),
    ...(alerts ? { alerts } : {}),
    warnings: [
      ...recorded.warnings,
      ...(alertOutcome?.warning ? [alertOutcome.warning] : []),
      ...loadWarnings(outcome),
      ...faultWarnings(faults),
      ...(options.externalLoad ? externalLoadWarnings(retargetsIgnored) : []),
    ],
    ...(failure && !aborted ? { error: describeFailure(failure) } : {}),
  };
  log(`writing reports to ${dir}`);
  let files = await writeReports(result, dir);
  if (!aborted && options.signal.aborted) {
    // The signal came while the reports were written: the numbers are whole, the run was still cut short.
    result = { ...result, status: 'aborted', verdict: 'fail' };
    files = await writeReports(result, dir);
  }
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
  onLoadStart: (load: LoadControl, loadStartPerfMs: number) => void,
  /** Every finished attempt, after the recorder: the fault timeline watches for fault effects. */
  onAttempt: (record: AttemptRecord) => void,
  onSnapshot: (snapshot: ProgressSnapshot) => void,
): Promise<LoadOutcome> {
  const gateway = lab.gateway;
  let stopSampling = () => {};
  const startSampling = () => startCpuSampling({
    gatewayPids: () => gateway.pids(),
    ...(gateway.cpuUsage ? { gatewayCpuUsage: () => gateway.cpuUsage?.() } : {}),
    onSample: (second, gatewayPercent, generatorPercent) => {
      if (gatewayPercent !== undefined) recorder.recordCpu('gateway', second, gatewayPercent);
      recorder.recordCpu('generator', second, generatorPercent);
    },
    signal: options.signal,
  });
  // Handshake times of the last second only, for the progress line's "current p95".
  let recentHandshakes: number[] = [];
  const target = scenarioLoadTarget(scenario, pki, gateway);
  await warmUp(target, options.signal);
  let loadStartPerfMs = performance.now();
  // Behind a balancer, attempts without a replica header are attributed by their client port.
  const attribution = new ReplicaAttribution({
    lookup: lab.balancer && ((queries) => lab.balancer!.routes(queries)),
    record: (record) => recorder.record(record),
    startedAtMs: (record) => performance.timeOrigin + loadStartPerfMs + record.scheduledAtMs + record.startDelayMs,
  });
  // Sampling starts with the load so that its seconds line up with the timeline's.
  stopSampling = startSampling();
  try {
    return await runLoad(
      profile,
      target,
      {
        signal: options.signal,
        onStart: (control) => {
          loadStartPerfMs = performance.now();
          onLoadStart(control, loadStartPerfMs);
        },
        onAttempt: (record) => {
          attribution.accept(record);
          onAttempt(record);
          if (record.tlsHandshakeMs !== undefined) recentHandshakes.push(record.tlsHandshakeMs);
        },
        onProgress: (progress) => {
          const recentHandshakeP95Ms = p95Of(recentHandshakes);
          recentHandshakes = [];
          onSnapshot({ progress, plannedDurationMs, recentHandshakeP95Ms });
        },
      },
    );
  } finally {
    await attribution.drain();
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

/** Recovery is measured when every fault healed during a completed run. */
function measureRecoveryOf(
  scenario: Scenario,
  faults: readonly FaultRecord[],
  timeline: RunResult['timeline'],
  status: RunResult['status'],
): RecoverySummary | undefined {
  if (status !== 'completed' || faults.length === 0 || faults.some((fault) => fault.healedAtMs === undefined)) return undefined;
  const healedAtMs = Math.max(...faults.map((fault) => fault.healedAtMs!));
  return measureRecovery(timeline, healedAtMs, recoveryTarget(scenario));
}

/** "Back to normal" means the success rate the baseline promised (its success SLO), else 99%. */
function recoveryTarget(scenario: Scenario): number {
  const promise = scenario.slos.find(
    ({ parsed, scope }) => parsed.metric === 'success.rate' && (parsed.operator === '>=' || parsed.operator === '>') && (scope === 'baseline' || scope === 'run'),
  );
  return promise?.parsed.threshold ?? 0.99;
}

function externalLoadWarnings(retargetsIgnored: number): RunWarning[] {
  return [
    {
      code: 'EXTERNAL_LOAD',
      message:
        'the load was external (k6 or another engine): this result holds the fault timeline and the gateway CPU; ' +
        'SLOs on attempts are judged by `mtls-chaos import k6 <output> --faults result.json`',
    },
    ...(retargetsIgnored > 0
      ? [{ code: 'EXTERNAL_LOAD_RETARGET', message: `${retargetsIgnored} fault step(s) changed the clients' certificates or trust: an external engine does not follow them` }]
      : []),
  ];
}

function faultWarnings(faults: readonly FaultRecord[]): RunWarning[] {
  return faults
    .filter((fault) => fault.error !== undefined)
    .map((fault) =>
      fault.mayBeLeftBroken
        ? {
            code: 'FAULT_HEAL_FAILED',
            message: `fault ${fault.kind} (${fault.description}): ${fault.error}. THE SYSTEM MAY BE LEFT BROKEN: check it and undo the fault by hand`,
          }
        : { code: 'FAULT_FAILED', message: `fault ${fault.kind} (${fault.description}): ${fault.error}` },
    );
}

function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof MtlsChaosError) return { code: error.code, message: error.message };
  return { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function exitCodeOf(result: RunResult, signal: NodeJS.Signals | undefined): ExitCode {
  if (result.status === 'aborted') return signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
  // A heal that failed outside the lab is the drill's machinery failing, not a finding about
  // the SLOs: 2, so that a CI job tolerating a known breach (1) still stops on it.
  if (result.status === 'failed' || result.faults.some((fault) => fault.mayBeLeftBroken)) return ExitCode.InvalidInput;
  return result.verdict === 'pass' ? ExitCode.Ok : ExitCode.SloBreached;
}
