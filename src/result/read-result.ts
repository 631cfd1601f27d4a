import { z } from 'zod';
import { INPUT_BOUNDS, readBoundedText, type InputFile } from '../bounded-file.js';
import { UsageError } from '../errors.js';
import { MAX_TIMELINE_FAULTS } from '../faults/timeline-entry.js';
import { ERROR_CATEGORIES } from '../metrics/error-category.js';
import { PHASES } from '../metrics/attempt-record.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from './run-result.js';

/**
 * What a saved result.json must hold for `report` and `compare` to work on it: the fields they
 * read, with their types and ranges (a negative count or a success rate of 3 would render as
 * "-Infinity%" or worse). Objects are loose (a newer writer may add fields within a version);
 * schemaVersion is exact (an incompatible change bumps it).
 */
const finite = z.number().refine(Number.isFinite, 'expected a finite number');
/** Milliseconds, percent of a core, attempts per second: finite and never negative. */
const nonNegative = finite.refine((value) => value >= 0, 'expected a number of at least 0');
const count = z.number().int('expected a whole number').nonnegative('expected a count of at least 0');
const ratio = finite.refine((value) => value >= 0 && value <= 1, 'expected a ratio from 0 to 1');
const latency = z.looseObject({ count, min: nonNegative, mean: nonNegative, p50: nonNegative, p90: nonNegative, p95: nonNegative, p99: nonNegative, max: nonNegative });
const categoryCounts = z.looseObject(Object.fromEntries(ERROR_CATEGORIES.map((category) => [category, count])) as Record<(typeof ERROR_CATEGORIES)[number], typeof count>);
/** Succeeded attempts are some of the attempts: more would be a success rate above 100%. */
const noMoreSucceededThanAttempts = (value: { attempts: number; succeeded: number }): boolean => value.succeeded <= value.attempts;
const SUCCEEDED_ISSUE = { message: 'expected at most as many succeeded as attempts', path: ['succeeded'] };
const metrics = z
  .looseObject({
    attempts: count,
    succeeded: count,
    successRate: ratio,
    attemptsPerSecond: nonNegative,
    categories: categoryCounts,
    resumed: count,
    latency: z.looseObject({ tcpConnect: latency, tlsHandshake: latency, firstByte: latency, total: latency }),
    lateStarts: count,
    maxStartDelayMs: nonNegative,
  })
  .refine(noMoreSucceededThanAttempts, SUCCEEDED_ISSUE);
const percentiles = z.looseObject({ p50: nonNegative, p95: nonNegative, p99: nonNegative, max: nonNegative });
const phase = z.enum(PHASES);
const cpuSeries = z.looseObject({ samples: z.array(z.looseObject({ second: nonNegative, cpuPercent: nonNegative })), p50: nonNegative, p95: nonNegative, max: nonNegative });
const certificate = z.looseObject({ subject: z.string(), serialNumber: z.string(), keyAlgorithm: z.string(), notBefore: z.string(), notAfter: z.string() });
const time = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'expected an ISO 8601 time');

const runResultSchema = z.looseObject({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  tool: z.looseObject({ name: z.literal('mtls-chaos'), version: z.string() }),
  scenario: z.looseObject({ name: z.string(), description: z.string(), file: z.string().optional(), runtime: z.enum(['local', 'docker', 'external']) }),
  status: z.enum(['completed', 'aborted', 'failed', 'running']),
  verdict: z.enum(['pass', 'fail']),
  startedAt: time,
  endedAt: time,
  loadStartedAt: time.optional(),
  load: z.looseObject({
    profile: z.string(),
    plannedDurationMs: nonNegative,
    actualDurationMs: nonNegative,
    identities: count,
    resumption: z.boolean(),
    target: z.string(),
  }),
  lab: z.looseObject({
    components: z.array(z.looseObject({ name: z.string(), kind: z.string(), endpoint: z.string(), pid: count.optional() })),
    gatewayConfig: z.looseObject({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
    pki: z
      .looseObject({
        algorithm: z.string(),
        root: certificate,
        intermediates: z.array(certificate),
        servers: z.array(certificate),
        clients: z.looseObject({ count, sample: z.array(certificate) }),
      })
      .optional(),
  }),
  phases: z.array(z.looseObject({ phase, startMs: nonNegative, endMs: nonNegative })),
  summary: metrics,
  byPhase: z.partialRecord(phase, metrics),
  byReplica: z.record(z.string(), metrics),
  timeline: z.array(
    z
      .looseObject({
        second: count,
        phase,
        attempts: count,
        succeeded: count,
        startedAttempts: count.optional(),
        startedSucceeded: count.optional(),
        coveredMs: nonNegative.refine((ms) => ms <= 1_000, 'expected at most 1000 ms of a second').optional(),
        categories: z.partialRecord(z.enum(ERROR_CATEGORIES), count),
        tlsHandshake: percentiles,
        total: percentiles,
        gatewayCpuPercent: nonNegative.optional(),
        generatorCpuPercent: nonNegative.optional(),
      })
      .refine(noMoreSucceededThanAttempts, SUCCEEDED_ISSUE),
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
      atMs: nonNegative,
      forMs: nonNegative.optional(),
      injectedAtMs: finite.optional(),
      healedAtMs: finite.optional(),
      error: z.string().optional(),
      // A command fault runs two commands; the reports render these fields, so their types are held.
      commands: z
        .array(
          z.looseObject({
            step: z.enum(['inject', 'heal']),
            command: z.string(),
            shell: z.boolean(),
            durationMs: nonNegative,
            timeoutMs: nonNegative,
            exitCode: finite.optional(),
            signal: z.string().optional(),
            timedOut: z.literal(true).optional(),
            aborted: z.literal(true).optional(),
            error: z.string().optional(),
            output: z.string(),
            outputBytes: nonNegative,
            ok: z.boolean(),
          }),
        )
        .max(2)
        .optional(),
      mayBeLeftBroken: z.literal(true).optional(),
    }),
  )
    .max(MAX_TIMELINE_FAULTS, `expected at most ${MAX_TIMELINE_FAULTS} faults, as a scenario holds`),
  // Results written before resolutionMs was recorded measured recovery in one-second buckets too.
  recovery: z
    .looseObject({ healedAtMs: finite, timeMs: nonNegative.optional(), targetSuccessRate: ratio, resolutionMs: nonNegative.default(1_000) })
    .optional(),
  blastRadius: ratio.optional(),
  alerts: z
    .array(
      z.looseObject({
        name: z.string(),
        firings: z.array(z.looseObject({ fromMs: finite, toMs: finite.optional() })),
        evaluationIntervalMs: nonNegative.optional(),
      }),
    )
    .optional(),
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

const RESULT_FILE: InputFile = { code: 'E_RESULT_INVALID', what: 'a result.json', hint: HINT, maxBytes: INPUT_BOUNDS.resultBytes };

/** Reads and validates a saved result.json (bounded: src/bounded-file.ts). */
export async function readRunResult(file: string): Promise<RunResult> {
  const text = await readBoundedText(file, RESULT_FILE);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError('E_RESULT_INVALID', `not JSON: ${(error as Error).message}`, { file, hint: HINT, cause: error });
  }
  return parseRunResult(value, file);
}
