import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';

const RUNS = 3;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Milliseconds from the call of runScenario to the gateway's `ready` line: PKI, sweep, network, containers, readiness. */
async function startupMs(runtime: 'local' | 'docker', outDir: string): Promise<number> {
  const scenario = await loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'baseline.ts'));
  const started = performance.now();
  let readyMs: number | undefined;
  const outcome = await runScenario(scenario, {
    outDir,
    durationMs: 1_000,
    runtime,
    signal: new AbortController().signal,
    log: (line) => {
      if (readyMs === undefined && /^gateway\/\S+ \S+ ready/.test(line)) readyMs = performance.now() - started;
    },
  });
  if (readyMs === undefined || outcome.result.status !== 'completed') throw new Error(`${runtime}: the lab did not start (${outcome.result.error?.message ?? outcome.result.status})`);
  return readyMs;
}

/** Time to a lab ready to take load (baseline drill: OCSP responder + node gateway), local vs docker. */
export async function startupBench(): Promise<boolean> {
  const outDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-bench-startup-'));
  try {
    const figures: Record<'local' | 'docker', number[]> = { local: [], docker: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const runtime of ['local', 'docker'] as const) figures[runtime].push(await startupMs(runtime, outDir));
    }
    const local = median(figures.local);
    const docker = median(figures.docker);
    process.stdout.write(`runtime  median ms  runs (ms)\n`);
    for (const runtime of ['local', 'docker'] as const) {
      process.stdout.write(`${runtime.padEnd(7)}  ${median(figures[runtime]).toFixed(0).padStart(9)}  ${figures[runtime].map((ms) => ms.toFixed(0)).join(', ')}\n`);
    }
    process.stdout.write(`docker / local: ${(docker / local).toFixed(1)}x (target: docker ready within 20 s)\n`);
    return docker < 20_000;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
