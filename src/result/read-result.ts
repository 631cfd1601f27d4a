import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { ERROR_CATEGORIES } from '../metrics/error-category.js';
import { PHASES } from '../metrics/attempt-record.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from './run-result.js';

/**
 * What a saved result.json must hold for `report` and `compare` to work on it: the fields they
 * read, with their types. Objects are loose (a newer writer may add fields within a version);
 * schemaVersion is exact (an incompatible change bumps it).
 */
const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const latency = z.looseObject({ count: finite, min: finite, mean: finite, p50: finite, p90: finite, p95: finite, p99: finite, max: finite });
const categoryCounts = z.looseObject(Object.fromEntries(ERROR_CATEGORIES.map((category) => [category, finite])) as Record<(typeof ERROR_CATEGORIES)[number], typeof finite>);
const metrics = z.looseObject({
  attempts: finite,
  succeeded: finite,
  successRate: finite,
  attemptsPerSecond: finite,
  categories: categoryCounts,
  resumed: finite,
  latency: z.looseObject({ tcpConnect: latency, tlsHandshake: latency, firstByte: latency, total: latency }),
  lateStarts: finite,
  maxStartDelayMs: finite,
});
const percentiles = z.looseObject({ p50: finite, p95: finite, p99: finite, max: finite });
const phase = z.enum(PHASES);
const cpuSeries = z.looseObject({ samples: z.array(z.looseObject({ second: finite, cpuPercent: finite })), p50: finite, p95: finite, max: finite });
const certificate = z.looseObject({ subject: z.string(), serialNumber: z.string(), keyAlgorithm: z.string(), notBefore: z.string(), notAfter: z.string() });

const runResultSchema = z.looseObject({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  tool: z.looseObject({ name: z.literal('mtls-chaos'), version: z.string() }),
  scenario: z.looseObject({ name: z.string(), description: z.string(), file: z.string().optional(), runtime: z.enum(['local', 'docker', 'external']) }),
  status: z.enum(['completed', 'aborted', 'failed', 'running']),
  verdict: z.enum(['pass', 'fail']),
  startedAt: z.string(),
  endedAt: z.string(),
  load: z.looseObject({
    profile: z.string(),
    plannedDurationMs: finite,
    actualDurationMs: finite,
    identities: finite,
    resumption: z.boolean(),
    target: z.string(),
  }),
  lab: z.looseObject({
    components: z.array(z.looseObject({ name: z.string(), kind: z.string(), endpoint: z.string(), pid: finite.optional() })),
    pki: z
      .looseObject({
        algorithm: z.string(),
        root: certificate,
        intermediates: z.array(certificate),
        servers: z.array(certificate),
        clients: z.looseObject({ count: finite, sample: z.array(certificate) }),
      })
      .optional(),
  }),
  phases: z.array(z.looseObject({ phase, startMs: finite, endMs: finite })),
  summary: metrics,
  byPhase: z.partialRecord(phase, metrics),
  byReplica: z.record(z.string(), metrics),
  timeline: z.array(
    z.looseObject({
      second: finite,
      phase,
      attempts: finite,
      succeeded: finite,
      categories: z.partialRecord(z.enum(ERROR_CATEGORIES), finite),
      tlsHandshake: percentiles,
      total: percentiles,
      gatewayCpuPercent: finite.optional(),
      generatorCpuPercent: finite.optional(),
    }),
  ),
  cpu: z.looseObject({ gateway: cpuSeries.optional(), generator: cpuSeries }),
  errorSamples: z.partialRecord(z.enum(ERROR_CATEGORIES), z.array(z.string())),
  slos: z.array(
    z.looseObject({
      expression: z.string(),
      scope: z.enum(['run', ...PHASES]),
      metric: z.string(),
      operator: z.enum(['<', '<=', '>', '>=', '==']),
      threshold: finite,
      measured: finite.optional(),
      unit: z.enum(['ms', 'ratio', 'percent', 'count', 'per_second']),
      passed: z.boolean(),
      note: z.string().optional(),
      resolutionMs: finite.optional(),
    })
    // Before resolutionMs was recorded, recovery.time was measured in one-second buckets all the same.
    .transform((slo) => (slo.metric === 'recovery.time' && slo.measured !== undefined && slo.resolutionMs === undefined ? { ...slo, resolutionMs: 1_000 } : slo)),
  ),
  faults: z.array(
    z.looseObject({
      kind: z.string(),
      description: z.string(),
      atMs: finite,
      forMs: finite.optional(),
      injectedAtMs: finite.optional(),
      healedAtMs: finite.optional(),
      error: z.string().optional(),
    }),
  ),
  // Results written before resolutionMs was recorded measured recovery in one-second buckets too.
  recovery: z.looseObject({ healedAtMs: finite, timeMs: finite.optional(), targetSuccessRate: finite, resolutionMs: finite.default(1_000) }).optional(),
  blastRadius: finite.optional(),
  warnings: z.array(z.looseObject({ code: z.string(), message: z.string() })),
  error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
});

const HINT = 'pass a result.json written by `mtls-chaos run` (in its report folder, e.g. reports/<scenario>-<time>/result.json)';

/** Checks parsed JSON against the result schema; the error names the first wrong field. */
export function parseRunResult(value: unknown, file: string): RunResult {
  const parsed = runResultSchema.safeParse(value);
  if (parsed.success) return parsed.data as unknown as RunResult;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
  const version = typeof value === 'object' && value !== null ? (value as { schemaVersion?: unknown }).schemaVersion : undefined;
  const message =
    path[0] === 'schemaVersion'
      ? `not a result this version reads: schemaVersion is ${JSON.stringify(version)}, expected ${RESULT_SCHEMA_VERSION}`
      : `not a valid mtls-chaos result: ${issue.message}`;
  throw new UsageError('E_RESULT_INVALID', message, {
    file,
    path: path.length > 0 ? path : ['(top level)'],
    hint: path[0] === 'schemaVersion' ? `re-render with the mtls-chaos version that wrote it, or re-run the drill; ${HINT}` : HINT,
  });
}

/** Reads and validates a saved result.json. */
export async function readRunResult(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError('E_RESULT_INVALID', code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(error)})`, { file, hint: HINT, cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError('E_RESULT_INVALID', `not JSON: ${(error as Error).message}`, { file, hint: HINT, cause: error });
  }
  return parseRunResult(value, file);
}
