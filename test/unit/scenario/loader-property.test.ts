import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { faultKinds } from '../../../src/faults/index.js';
import { plannedAttempts } from '../../../src/load/index.js';
import { ScenarioError, loadScenario, validateScenario, type Scenario } from '../../../src/scenario/index.js';
import { tempDir, validInput } from './scenario-fixtures.js';
import { expectPrintedInputError, settledWithin } from '../../support/settled-outcome.js';

/**
 * Generated junk thrown at the loader. Whatever comes in, the loader ends in one of two ways,
 * within a second: a valid scenario, or a ScenarioError (exit 2) whose first printed line names
 * the code and the file, with no stack trace. Anything else (a TypeError from deep inside, a
 * hang, a stack overflow) is a bug this test exists to find.
 */
const PER_INPUT_MS = 1_000;

async function expectScenarioOrError(run: () => Promise<Scenario> | Scenario, file: string): Promise<void> {
  const outcome = await settledWithin(run, PER_INPUT_MS);
  if (outcome instanceof ScenarioError) {
    expectPrintedInputError(outcome, file);
    expect(outcome.message).not.toContain('\n');
    expect(outcome.problems.length).toBeGreaterThan(0);
    return;
  }
  // Not an error: then it must be a whole scenario.
  expect(outcome).toMatchObject({ name: expect.any(String), load: { profile: expect.any(Object) }, lab: { gateway: expect.any(Object) } });
}

const durationText = fc.oneof(
  fc.tuple(fc.oneof(fc.integer({ min: -1_000, max: 1_000_000 }), fc.double({ noNaN: false })), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'y', '', ' s', 'S')).map(([n, unit]) => `${n}${unit}`),
  fc.constantFrom('0s', '-0s', '1e3s', 'NaNs', 'Infinityd', '1h30m', '1.5.5s', '99999999999999999999d', '30s30s', ''),
  fc.string({ maxLength: 12 }),
);
const rateText = fc.oneof(
  fc.tuple(fc.oneof(fc.integer({ min: -10, max: 10_000_000 }), fc.double()), fc.constantFrom('/s', '/m', '/h', '/d', '/', 's', ' / sec')).map(([n, unit]) => `${n}${unit}`),
  fc.constantFrom('0/s', '0.0000001/h', '1e9/s', '/s', 'fast'),
  fc.string({ maxLength: 12 }),
);
/** Any value a YAML document or a module could put in a field. */
const junkValue = fc.oneof(
  durationText,
  rateText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 40 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('kind', 'at', 'for', 'mode', '__proto__', 'constructor', 'x'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

const FIELD_PATHS: readonly (readonly string[])[] = [
  ['name'],
  ['description'],
  ['runtime'],
  ['pki'],
  ['pki', 'clients'],
  ['pki', 'algorithm'],
  ['pki', 'clientLifetime'],
  ['lab'],
  ['lab', 'gateway'],
  ['lab', 'gateway', 'kind'],
  ['lab', 'gateway', 'ocsp'],
  ['lab', 'gateway', 'ocsp', 'mode'],
  ['lab', 'gateway', 'replicas'],
  ['lab', 'ocspResponder'],
  ['lab', 'balancer'],
  ['lab', 'links'],
  ['load'],
  ['load', 'rate'],
  ['load', 'duration'],
  ['load', 'concurrency'],
  ['load', 'ramp'],
  ['load', 'timeout'],
  ['load', 'identities'],
  ['load', 'path'],
  ['slos'],
  ['slos', '0'],
  ['faults'],
  ['faults', '0'],
  ['faults', '0', 'at'],
  ['faults', '0', 'for'],
  ['durtion'],
];

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  Object.defineProperty(node, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

/** A valid scenario with a few fields replaced by junk: the inputs closest to the schema's edges. */
const nearSchema = fc.array(fc.tuple(fc.constantFrom(...FIELD_PATHS), junkValue), { minLength: 1, maxLength: 4 }).map((changes) => {
  const input = { ...(structuredClone(validInput()) as Record<string, unknown>), faults: [{ at: '1s', for: '1s', kind: 'gateway-pause' }] };
  for (const [path, value] of changes) setAt(input, path, value);
  return input;
});

/** Timelines of random kinds and times against a short load. */
const randomTimeline = fc
  .array(
    fc.record({ at: durationText, for: fc.option(durationText, { nil: undefined }), kind: fc.constantFrom(...faultKinds(), 'meteor'), mode: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }) }, { requiredKeys: ['kind'] }),
    { maxLength: 5 },
  )
  .map((faults) => ({ ...validInput(), load: { rate: '10/s', duration: '10s' }, faults: faults.map((fault) => JSON.parse(JSON.stringify(fault))) }));

describe('the scenario loader under generated junk (fast-check)', () => {
  it('random structures near the schema: a scenario or a ScenarioError naming the file', async () => {
    await fc.assert(fc.asyncProperty(nearSchema, (input) => expectScenarioOrError(() => validateScenario(input, 'near.yaml'), 'near.yaml')), { numRuns: 400 });
  });

  it('random fault timelines, durations and rates', async () => {
    await fc.assert(fc.asyncProperty(randomTimeline, (input) => expectScenarioOrError(() => validateScenario(input, 'timeline.yaml'), 'timeline.yaml')), { numRuns: 300 });
  });

  it('any JSON value, as a module would export it', async () => {
    await fc.assert(fc.asyncProperty(fc.anything({ maxDepth: 4, withNullPrototype: true, withMap: true, withSet: true, withDate: true, withBigInt: true }), (value) => expectScenarioOrError(() => validateScenario(value, 'any.ts'), 'any.ts')), {
      numRuns: 300,
    });
  });

  it('random YAML and JSON text, written to a file and loaded', async () => {
    const dir = await tempDir();
    const yamlOfJunk = fc.oneof(nearSchema, fc.jsonValue({ maxDepth: 4 })).map((value) => stringify(value));
    const text = fc.oneof(
      yamlOfJunk,
      yamlOfJunk.chain((yaml) => fc.tuple(fc.nat(yaml.length), fc.nat(40), fc.string({ maxLength: 20 })).map(([at, drop, insert]) => yaml.slice(0, at) + insert + yaml.slice(at + drop))),
      fc.string({ maxLength: 400 }),
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.jsonValue({ maxDepth: 5 }).map((value) => JSON.stringify(value)),
      fc.constantFrom('&a [*a]', 'a: !!binary AAAA', '%YAML 1.1\n---\na: 1', '? [a, b]\n: c', 'a: *nope', '{"a":1,"a":2}', 'name: "\\uD800"', '\t\ta: 1', '- - - - - - - -'),
    );
    let index = 0;
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom('.yaml', '.yml', '.json'), async (content, extension) => {
        const file = join(dir, `junk-${index++}${extension}`);
        await writeFile(file, content);
        await expectScenarioOrError(() => loadScenario(file), file);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes', async () => {
    const dir = await tempDir();
    let index = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2_048 }), async (bytes) => {
        const file = join(dir, `bytes-${index++}.yaml`);
        await writeFile(file, bytes);
        await expectScenarioOrError(() => loadScenario(file), file);
      }),
      { numRuns: 200 },
    );
  });

  it('numbers at the edges (overflow, underflow, sub-millisecond): accepted only when finite and offering an attempt', async () => {
    const digits = fc.oneof(fc.constantFrom('9'.repeat(400), '0.' + '0'.repeat(320) + '1', '0.0000001', '1e3', '1', '0'), fc.nat().map(String), fc.double({ min: 0, noNaN: true }).map((n) => String(n)));
    const unit = (units: readonly string[]) => fc.constantFrom(...units);
    const edgeInput = fc
      .record({
        rate: fc.tuple(digits, unit(['/s', '/m', '/h'])).map(([n, u]) => `${n}${u}`),
        duration: fc.tuple(digits, unit(['ms', 's', 'h', 'd'])).map(([n, u]) => `${n}${u}`),
        timeout: fc.tuple(digits, unit(['ms', 's'])).map(([n, u]) => `${n}${u}`),
        slo: fc.tuple(fc.constantFrom('handshake.p95 <', 'success.rate >=', 'attempts.count >=', 'recovery.time <'), digits, unit(['', 'ms', 'h', '%'])).map(([m, n, u]) => `${m} ${n}${u}`),
        description: fc.constantFrom('drill\u2028with a line separator', 'drill\rwith a bare CR', 'drill \u001b[2J clears', 'plain drill'),
      })
      .map(({ rate, duration, timeout, slo, description }) => ({ ...validInput(), description, load: { rate, duration, timeout }, slos: [slo] }));
    await fc.assert(
      fc.asyncProperty(edgeInput, async (input) => {
        await expectScenarioOrError(() => validateScenario(input, 'edge.yaml'), 'edge.yaml');
        let scenario: Scenario;
        try {
          scenario = validateScenario(input, 'edge.yaml');
        } catch {
          return;
        }
        expect(Number.isFinite(scenario.load.durationMs) && Number.isFinite(scenario.load.timeoutMs)).toBe(true);
        expect(plannedAttempts(scenario.load.profile) ?? 1).toBeGreaterThanOrEqual(1);
        for (const slo of scenario.slos) expect(Number.isFinite(slo.parsed.threshold)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
