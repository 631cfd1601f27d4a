import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { RunRegistry } from '../lab/index.js';
import type { LiveMetrics, StartedPrometheus } from '../observe/index.js';
import { startPrometheus } from '../observe/index.js';
import type { ObserveSpec } from '../scenario/index.js';

/** Prometheus 2.42 picks up scrape targets on a 5 s tick after it is ready: wait for the first scrape, bounded. */
const FIRST_SCRAPE_TIMEOUT_MS = 20_000;

/** The Prometheus a run with observe.prometheus starts: it scrapes the run's listener every second with the scenario's rules. */
export interface RunPrometheus {
  readonly prometheus: StartedPrometheus;
  /** Stops the process and removes its folder (idempotent). */
  stop(): Promise<void>;
}

/**
 * Starts the Prometheus of a run with observe.prometheus (README, "Time to detect"): on 127.0.0.1,
 * its data in a temp folder registered like a lab's (so SIGKILL + `mtls-chaos cleanup` removes the
 * process and the folder), scraping `live`'s listener every second and evaluating `observe`'s
 * rules. It returns once the first scrape has happened, so the baseline is watched from its start.
 */
export async function startRunPrometheus(observe: ObserveSpec, live: LiveMetrics, signal: AbortSignal): Promise<RunPrometheus> {
  const listener = live.listener;
  if (!listener) throw new RangeError('observe.prometheus needs the run\'s metrics listener');
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-prometheus-'));
  const registry = new RunRegistry(`prometheus-${process.pid}-${Date.now()}`);
  let prometheus: StartedPrometheus | undefined;
  const stop = async () => {
    await prometheus?.stop();
    await rm(dir, { recursive: true, force: true });
    await registry.remove();
  };
  try {
    await registry.addTempDir(dir);
    prometheus = await startPrometheus({
      workDir: dir,
      scrapeTargets: [`${listener.address.host.includes(':') ? `[${listener.address.host}]` : listener.address.host}:${listener.address.port}`],
      scrapeIntervalMs: 1_000,
      ruleFiles: [observe.prometheus.rules],
      registry,
      signal,
    });
    const deadline = Date.now() + FIRST_SCRAPE_TIMEOUT_MS;
    while ((await prometheus.query('up == 1')).length === 0) {
      if (Date.now() > deadline) throw new Error(`Prometheus at ${prometheus.url} did not scrape ${listener.url} within ${FIRST_SCRAPE_TIMEOUT_MS / 1_000} s`);
      await delay(200, undefined, { signal });
    }
    return { prometheus, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
