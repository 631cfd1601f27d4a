import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { expect, onTestFinished } from 'vitest';
import { DockerRuntime } from '../../src/lab/docker/index.js';
import { startLab, type LabSpec, type StartLabOptions, type StartedLab } from '../../src/lab/index.js';
import type { LabPki } from '../../src/pki/index.js';
import { leftoversOf, runIdOfDir } from './docker-engine.js';
import { runDrill } from './run-drill.js';

/**
 * A lab on the docker runtime for one test: its own run id, network and temp folder, all stopped
 * and removed when the test finishes.
 */
export async function startDockerLab(
  spec: LabSpec,
  pki: LabPki,
  options: { readonly timeoutMs?: number } & Pick<StartLabOptions, 'keepPkiFiles'> = {},
): Promise<{ lab: StartedLab; runtime: DockerRuntime; runId: string; workDir: string }> {
  const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-docker-lab-test-'));
  const runId = `test-${process.pid}-${Date.now()}`;
  const runtime = await DockerRuntime.open({ runId, workDir });
  let lab: StartedLab | undefined;
  onTestFinished(async () => {
    await lab?.stop();
    await runtime.close();
    await rm(workDir, { recursive: true, force: true });
  });
  lab = await startLab(spec, pki, {
    workDir,
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    runId,
    runtime,
    ...(options.keepPkiFiles ? { keepPkiFiles: true } : {}),
  });
  return { lab, runtime, runId, workDir };
}

/**
 * A built-in drill as `run <drill> --runtime docker`: no error, each phase's failing categories
 * logged (what went wrong shows in a failing rate assertion's output), nothing of it left after.
 */
export async function runDrillOnDocker(docker: Docker, drill: string, options: { durationMs?: number } = {}) {
  const outcome = await runDrill(drill, { ...options, runtime: 'docker' });
  expect(outcome.result.scenario.runtime).toBe('docker');
  expect(outcome.result.error).toBeUndefined();
  for (const [phase, measured] of Object.entries(outcome.result.byPhase)) {
    const categories = Object.entries(measured?.categories ?? {}).filter(([, count]) => count > 0);
    console.log(`${drill} on docker, ${phase}: ${JSON.stringify(Object.fromEntries(categories))} ${JSON.stringify(outcome.result.errorSamples)}`);
  }
  expect(await leftoversOf(docker, runIdOfDir(outcome.dir, outcome.result.scenario.name))).toBe(0);
  return outcome;
}
