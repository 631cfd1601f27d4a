import type { CpuSeries } from '../result/run-result.js';

type CpuSample = CpuSeries['samples'][number];

/**
 * Percentiles of per-second CPU samples, nearest-rank (a p95 is a sample that was really
 * measured). Exported because SLOs scoped to a phase recompute them over that phase's seconds
 * and must agree with the recorder's figures for the whole run.
 */
export function summarizeCpuSamples(samples: readonly CpuSample[]): CpuSeries {
  const sorted = samples.map((sample) => sample.cpuPercent).sort((a, b) => a - b);
  return {
    samples: [...samples].sort((a, b) => a.second - b.second),
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    max: sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as number),
  };
}

function nearestRank(sorted: readonly number[], percentile: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((percentile / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}
