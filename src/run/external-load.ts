import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { writeK6Credentials, SCRIPT_ENV } from '../k6/index.js';
import type { StartedLab } from '../lab/index.js';
import type { LoadControl, LoadOutcome, LoadTargetSpec } from '../load/index.js';
import { startCpuSampling, type MetricsRecorder } from '../metrics/index.js';
import type { LabPki } from '../pki/index.js';
import type { Scenario } from '../scenario/index.js';

/** What an external engine (k6) needs to make the drill's load against this run's lab. */
export interface ExternalLoadInfo {
  /** The gateway origin, e.g. https://127.0.0.1:41234. */
  readonly target: string;
  /** 0700 folder in the run's temp dir: ca.crt, client-1.crt, client-1.key (0600); removed with the run. */
  readonly tlsDir: string;
  readonly ca: string;
  readonly certificate: string;
  readonly key: string;
  /** A ready k6 command line for a script exported with `mtls-chaos export k6`. */
  readonly k6Command: string;
  /** How long the harness waits (and runs the fault timeline) once `onReady` was called. */
  readonly durationMs: number;
}

export interface ExternalLoadOptions {
  /** Called once the lab is up, just before ms 0 of the fault timeline. */
  onReady(info: ExternalLoadInfo): void;
}

/**
 * `run --load external`: no load of ours. The lab runs, the fault timeline runs on its clock and
 * the gateway's CPU is sampled for the planned duration, while another engine makes the load;
 * `import k6 --faults result.json` then lines its measurements up with this run.
 */
export async function driveExternalLoad(
  scenario: Scenario,
  plannedDurationMs: number,
  pki: LabPki,
  lab: StartedLab,
  workDir: string,
  recorder: MetricsRecorder,
  external: ExternalLoadOptions,
  signal: AbortSignal,
  onLoadStart: (load: LoadControl, loadStartPerfMs: number) => void,
  /** Faults that act through our load (new client certificates, trust) have nothing to act on. */
  onRetarget: () => void,
): Promise<LoadOutcome> {
  const gateway = lab.gateway;
  const files = await writeK6Credentials(pki, join(workDir, 'k6'));
  const target = `https://${gateway.host}:${gateway.port}`;
  const spec: LoadTargetSpec = {
    url: `${target}${scenario.load.path}`,
    identities: [{ name: pki.clients[0]!.name, certPem: pki.clients[0]!.chainPem, keyPem: pki.clients[0]!.keyPem }],
    caPem: gateway.caPem,
    servername: gateway.servername,
    timeoutMs: scenario.load.timeoutMs,
  };
  const control: LoadControl = { spec, retarget: async () => onRetarget() };
  external.onReady({
    target,
    tlsDir: files.dir,
    ca: files.ca,
    certificate: files.certificate,
    key: files.key,
    k6Command: `${SCRIPT_ENV.target}=${target} ${SCRIPT_ENV.tlsDir}=${files.dir} SSL_CERT_FILE=${files.ca} k6 run --out json=k6.ndjson --summary-export=summary.json script.ts`,
    durationMs: plannedDurationMs,
  });
  const stopSampling = startCpuSampling({
    gatewayPids: () => gateway.pids(),
    // The generator is not ours: only the gateway's CPU means anything here.
    onSample: (second, gatewayPercent) => {
      if (gatewayPercent !== undefined) recorder.recordCpu('gateway', second, gatewayPercent);
    },
    signal,
  });
  const startedAt = new Date();
  const loadStartPerfMs = performance.now();
  onLoadStart(control, loadStartPerfMs);
  try {
    await sleep(plannedDurationMs, undefined, { signal }).catch(() => undefined);
  } finally {
    stopSampling();
  }
  const durationMs = performance.now() - loadStartPerfMs;
  return {
    startedAt,
    durationMs,
    attempts: 0,
    succeeded: 0,
    dropped: 0,
    lateStarts: 0,
    maxStartDelayMs: 0,
    peakInFlight: 0,
    inFlightLimit: 0,
    abandoned: 0,
    aborted: signal.aborted,
  };
}
