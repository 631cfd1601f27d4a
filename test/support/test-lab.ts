import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { startLab, type LabSpec, type StartedLab } from '../../src/lab/index.js';
import type { LabPki } from '../../src/pki/index.js';
import { isAlive } from './processes.js';

export interface TestLab {
  readonly lab: StartedLab;
  /** Every process of the gateway and the OCSP responder, as started. */
  readonly pids: number[];
  readonly runId: string;
}

/** Starts a lab in a temp dir; the lab is stopped and the dir removed when the test finishes. */
export async function startTestLab(spec: LabSpec, pki: LabPki): Promise<TestLab> {
  const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-lab-test-'));
  let lab: StartedLab | undefined;
  onTestFinished(async () => {
    await lab?.stop();
    await rm(workDir, { recursive: true, force: true });
  });
  const runId = `test-${process.pid}-${Date.now()}`;
  lab = await startLab(spec, pki, { workDir, signal: AbortSignal.timeout(30_000), runId });
  const pids = [...lab.gateway.pids(), ...(lab.ocspResponder?.pids() ?? [])];
  return { lab, pids, runId };
}

/** stop() leaves none of the lab's processes behind, not even a zombie. */
export async function stopAndCheck(lab: StartedLab, pids: number[]): Promise<void> {
  await lab.stop();
  for (const pid of pids) expect(isAlive(pid), `pid ${pid} still alive after stop()`).toBe(false);
}
