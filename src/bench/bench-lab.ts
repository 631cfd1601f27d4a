import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunRegistry, startLab, startRunWatchdog, type StartedLab } from '../lab/index.js';
import { scenarioLoadTarget } from '../run/scenario-load-target.js';
import { buildLabPki } from '../pki/index.js';
import type { Scenario } from '../scenario/index.js';
import type { BenchTarget } from './run-bench.js';

export interface StartedBenchLab extends AsyncDisposable {
  readonly target: BenchTarget;
  readonly lab: StartedLab;
  /** Idempotent: stops every component and removes the keys. */
  stop(): Promise<void>;
}

/**
 * Builds a scenario's PKI and lab for a bench: the load's identities, TLS offer and resumption
 * as the scenario says, the gateway's pids for its CPU. Keys live in a temp folder of the run
 * (0600, registered so that `cleanup` removes them if we are killed) and go when the lab stops.
 */
export async function startBenchLab(scenario: Scenario, options: { runId: string; signal: AbortSignal; configuration?: string; log?: (line: string) => void }): Promise<StartedBenchLab> {
  const workDir = await mkdtemp(join(tmpdir(), `mtls-chaos-${options.runId}-`));
  const registry = new RunRegistry(`${options.runId}.run`);
  await registry.addTempDir(workDir);
  // Killed with SIGKILL mid-bench, its watchdog removes the lab and the keys at once.
  const watchdog = startRunWatchdog({ docker: false });
  if (watchdog.pid !== undefined) await registry.setWatchdog(watchdog.pid);
  const cleanup = async () => {
    await rm(workDir, { recursive: true, force: true });
    await registry.remove();
    watchdog.stop();
  };
  let lab: StartedLab;
  try {
    const pki = await buildLabPki({
      algorithm: scenario.pki.algorithm,
      clients: scenario.pki.clients,
      intermediates: scenario.pki.intermediates,
      clientLifetimeMs: scenario.pki.clientLifetimeMs,
      serverLifetimeMs: scenario.pki.serverLifetimeMs,
      signal: options.signal,
    });
    lab = await startLab(scenario.lab, pki, { workDir, signal: options.signal, runId: options.runId, ...(options.log ? { log: options.log } : {}) });
    const gateway = lab.gateway;
    // serverReason (a read of nginx's log per refusal) is a function: it cannot go to the generator's
    // worker threads, and a bench counts failures without naming them.
    const { serverReason: _notInWorkers, ...spec } = scenarioLoadTarget(scenario, pki, gateway);
    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        try {
          await lab.stop();
        } finally {
          await cleanup();
        }
      })());
    return {
      lab,
      target: {
        spec,
        gatewayPids: () => gateway.pids(),
        ...(options.configuration ? { configuration: options.configuration } : {}),
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
