import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { renderPlainLine, runScenario, type LiveStatus } from '../../src/run/index.js';
import { validateScenario } from '../../src/scenario/index.js';

const DEFAULT_MINUTES = 30;
const RATE_PER_SECOND = 50;
const SAMPLE_EVERY_MS = 10_000;
/** Live heap may grow by at most this much per 10 minutes after warm-up: timeline seconds are a few hundred bytes each. */
const HEAP_SLOPE_TARGET_MB_PER_10_MIN = 2;

/**
 * A long game day in small: a steady open-loop rate against a local lab (node gateway) with a
 * gateway-pause fault cycling every few minutes, run in this process so that its memory is the
 * run's own. Every 10 s a full GC, then RSS and live heap are sampled; after warm-up the slope
 * (least squares, MB per 10 minutes) must stay near zero: a run's memory must not grow with its
 * length (per-second buckets keep percentiles only, no per-attempt records are kept).
 * `npm run bench -- soak --minutes 5` for a shorter check.
 */
export async function soakBench(): Promise<boolean> {
  const minutes = minutesFromArgs();
  const durationMs = minutes * 60_000;
  const cycleMs = Math.min(5 * 60_000, Math.max(60_000, Math.round(durationMs / 6)));
  const faults: Record<string, string>[] = [];
  for (let at = cycleMs / 2; at + cycleMs / 4 < durationMs; at += cycleMs) {
    faults.push({ at: `${Math.round(at / 1_000)}s`, for: `${Math.round(cycleMs / 4_000)}s`, kind: 'gateway-pause' });
  }
  const scenario = validateScenario(
    {
      name: 'soak',
      description: 'Soak: a steady rate with a gateway-pause every few minutes.',
      lab: { gateway: { kind: 'node' } },
      pki: { clients: 4 },
      load: { rate: `${RATE_PER_SECOND}/s`, duration: `${minutes * 60}s`, timeout: '2s' },
      faults,
    },
    'soak-bench',
  );
  const gc = exposeGc();
  const outDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-bench-soak-'));
  const samples: { atMs: number; rssMb: number; heapMb: number }[] = [];
  const startedAt = performance.now();
  const sample = () => {
    gc();
    const usage = process.memoryUsage();
    samples.push({ atMs: performance.now() - startedAt, rssMb: usage.rss / 2 ** 20, heapMb: usage.heapUsed / 2 ** 20 });
  };
  process.stdout.write(`${minutes} min at ${RATE_PER_SECOND}/s, gateway-pause for ${cycleMs / 4_000}s every ${cycleMs / 1_000}s (${faults.length} faults)\n`);
  sample();
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  let outcome;
  try {
    outcome = await runScenario(scenario, {
      outDir,
      signal: new AbortController().signal,
      onProgress: (() => {
        let last = 0;
        return (status: LiveStatus) => {
          if (performance.now() - last < 60_000) return;
          last = performance.now();
          process.stdout.write(`  ${renderPlainLine(status)}\n`);
        };
      })(),
    });
  } finally {
    clearInterval(timer);
    await rm(outDir, { recursive: true, force: true });
  }
  sample();
  // Warm-up: the lab, the PKI, JIT and the first histograms; then the line must be flat.
  const warmUpMs = Math.max(60_000, durationMs / 10);
  const steady = samples.filter((entry) => entry.atMs >= warmUpMs);
  const first = steady[0] ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const heapSlope = slopePer10Minutes(steady.map((entry) => [entry.atMs, entry.heapMb]));
  const rssSlope = slopePer10Minutes(steady.map((entry) => [entry.atMs, entry.rssMb]));
  const rows = [
    ['', 'after warm-up', 'end', 'slope (MB / 10 min)'],
    ['RSS (MB)', first.rssMb.toFixed(1), last.rssMb.toFixed(1), rssSlope.toFixed(2)],
    ['live heap (MB)', first.heapMb.toFixed(1), last.heapMb.toFixed(1), heapSlope.toFixed(2)],
  ];
  for (const row of rows) process.stdout.write(`${row[0]!.padEnd(16)}${row[1]!.padStart(14)}${row[2]!.padStart(10)}${row[3]!.padStart(22)}\n`);
  const summary = outcome.result.summary;
  process.stdout.write(
    `attempts ${summary.attempts}, ok ${(100 * summary.successRate).toFixed(2)}%, ${outcome.result.faults.length} faults injected and healed, ` +
      `${steady.length} samples after ${Math.round(warmUpMs / 1_000)} s of warm-up, status ${outcome.result.status}\n`,
  );
  const met = outcome.result.status === 'completed' && heapSlope < HEAP_SLOPE_TARGET_MB_PER_10_MIN;
  process.stdout.write(`target: live heap slope < ${HEAP_SLOPE_TARGET_MB_PER_10_MIN} MB / 10 min after warm-up: ${met ? 'met' : 'MISSED'}\n`);
  return met;
}

function minutesFromArgs(): number {
  const index = process.argv.indexOf('--minutes');
  if (index < 0) return DEFAULT_MINUTES;
  const minutes = Number(process.argv[index + 1]);
  if (!Number.isFinite(minutes) || minutes < 2 || minutes > 24 * 60) {
    process.stderr.write(`--minutes must be a number of minutes from 2 to 1440, got ${process.argv[index + 1]}\n`);
    process.exit(2);
  }
  return minutes;
}

/** A full GC before each sample, so that the heap figure is live memory, not garbage not yet collected. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Least-squares slope of (ms, MB) points, in MB per 10 minutes. */
function slopePer10Minutes(points: readonly (readonly [number, number])[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? 0 : (numerator / denominator) * 600_000;
}
