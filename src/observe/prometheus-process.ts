import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { stringify } from 'yaml';
import { LabError, RunRegistry, SupervisedProcess, awaitReady, findExecutable, startOnFreePort } from '../lab/index.js';

const READY_TIMEOUT_MS = 20_000;
const READY_POLL_MS = 100;

export interface PrometheusOptions {
  /**
   * The data dir and the config go in a folder made here: the run's temp dir, registered in the
   * run registry, whose sweep removes it (and finds the process by this path in its command line).
   */
  readonly workDir: string;
  /** host:port of /metrics listeners to scrape (job "mtls-chaos"). */
  readonly scrapeTargets?: readonly string[];
  /** Default 1 s: a drill lasts seconds, and time-to-detect is measured in scrape intervals. */
  readonly scrapeIntervalMs?: number;
  /** Rule files (alerting or recording), evaluated every scrape interval. */
  readonly ruleFiles?: readonly string[];
  /** Accept remote write at /api/v1/write (`--web.enable-remote-write-receiver`). */
  readonly remoteWriteReceiver?: boolean;
  /** Registers the process and its folder, so that SIGKILL + `mtls-chaos cleanup` removes both. */
  readonly registry?: RunRegistry;
  readonly signal: AbortSignal;
  /** Default: `prometheus` on PATH, else /usr/bin/prometheus (the Debian package). */
  readonly executable?: string;
}

/** One sample of an instant query: its labels and value. */
export interface PromSample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

export interface StartedPrometheus {
  /** http://127.0.0.1:port */
  readonly url: string;
  /** Where remote write goes, when the receiver is enabled. */
  readonly remoteWriteUrl: string;
  readonly dir: string;
  readonly pid: number;
  /** An instant query (GET /api/v1/query), now or at `atEpochMs`; throws on a PromQL error. */
  query(promql: string, atEpochMs?: number): Promise<PromSample[]>;
  /** Idempotent: stops the process group and removes the data dir. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export function findPrometheus(): string | undefined {
  return findExecutable('prometheus', process.env.PATH ?? '', ['/usr/bin/prometheus']);
}

/**
 * A real Prometheus for tests and time-to-detect drills, on 127.0.0.1 only, with a data dir of
 * its own inside the run's temp dir: it scrapes the run's metrics listener (and/or receives remote
 * write) and answers PromQL. Its config is generated (prometheus.yml beside the data).
 */
export async function startPrometheus(options: PrometheusOptions): Promise<StartedPrometheus> {
  const executable = options.executable ?? findPrometheus();
  if (!executable) {
    throw new LabError('E_LAB_PROMETHEUS_MISSING', 'prometheus: none was found in PATH or /usr/bin/prometheus', {
      hint: 'install it (Debian: apt-get install prometheus)',
    });
  }
  const dir = await mkdtemp(join(options.workDir, 'prometheus-'));
  const intervalSeconds = `${Math.max(1, Math.round((options.scrapeIntervalMs ?? 1_000) / 1_000))}s`;
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(
    configFile,
    stringify({
      global: { scrape_interval: intervalSeconds, evaluation_interval: intervalSeconds },
      ...(options.ruleFiles?.length ? { rule_files: [...options.ruleFiles] } : {}),
      scrape_configs: options.scrapeTargets?.length ? [{ job_name: 'mtls-chaos', static_configs: [{ targets: [...options.scrapeTargets] }] }] : [],
    }),
    { mode: 0o600 },
  );
  const started = await startOnFreePort(
    async (port) => {
      const url = `http://127.0.0.1:${port}`;
      const proc = await SupervisedProcess.start({
        name: `prometheus-${port}`,
        logDir: dir,
        launch: {
          kind: 'spawn',
          command: executable,
          args: [
            `--config.file=${configFile}`,
            `--storage.tsdb.path=${join(dir, 'data')}`,
            `--web.listen-address=127.0.0.1:${port}`,
            ...(options.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
          ],
        },
        ...(options.registry ? { registry: options.registry } : {}),
      });
      try {
        await awaitReady(proc, untilReady(url, options.signal), { timeoutMs: READY_TIMEOUT_MS, signal: options.signal, what: `Prometheus on ${url}` });
      } catch (error) {
        await proc.stop();
        throw error;
      }
      return { proc, url };
    },
    { signal: options.signal, lostThePort: async () => (await logOf(dir)).includes('address already in use') },
  ).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await started.proc.stop();
      await rm(dir, { recursive: true, force: true });
    })());
  return {
    url: started.url,
    remoteWriteUrl: `${started.url}/api/v1/write`,
    dir,
    pid: started.proc.pid,
    query: (promql, atEpochMs) => instantQuery(started.url, promql, atEpochMs),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

async function untilReady(url: string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await delay(READY_POLL_MS);
  }
}

async function instantQuery(url: string, promql: string, atEpochMs?: number): Promise<PromSample[]> {
  const params = new URLSearchParams({ query: promql, ...(atEpochMs === undefined ? {} : { time: String(atEpochMs / 1_000) }) });
  const response = await fetch(`${url}/api/v1/query?${params}`, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success' || !body.data) throw new Error(`Prometheus query ${promql}: ${body.error ?? response.status}`);
  if (body.data.resultType !== 'vector') throw new Error(`Prometheus query ${promql}: expected a vector, got ${body.data.resultType}`);
  return body.data.result.map((sample) => ({ labels: sample.metric, value: Number(sample.value[1]) }));
}

async function logOf(dir: string): Promise<string> {
  const logs = (await readdir(dir)).filter((name) => name.endsWith('.log'));
  return (await Promise.all(logs.map((name) => readFile(join(dir, name), 'utf8').catch(() => '')))).join('\n');
}
