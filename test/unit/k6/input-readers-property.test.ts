import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MtlsChaosError } from '../../../src/errors.js';
import { formatK6Time, importK6, readK6Summary } from '../../../src/k6/index.js';
import { readRunResult } from '../../../src/result/index.js';
import { parseSlo } from '../../../src/slo/index.js';
import { expectPrintedInputError, settledWithin } from '../../support/settled-outcome.js';
import { fixtureRunResult } from '../report/fixtures/run-result.js';

/**
 * Generated hostile shapes thrown at the readers of files we are given (k6 NDJSON through the
 * whole import, k6 summaries, result.json). Whatever comes in, each ends within a bound in one
 * of two ways: a value, or an MtlsChaosError (exit 2) whose printed first line names its code
 * and the file, with no stack trace. A TypeError, a RangeError, a hang: a bug this test finds.
 */
const PER_INPUT_MS = 5_000; // a busy 2-core machine; the bounded work itself takes milliseconds

let dir: string;
let fileIndex = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-readers-property-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function written(name: string, content: string | Buffer): Promise<string> {
  const file = join(dir, `${fileIndex++}-${name}`);
  await writeFile(file, content);
  return file;
}

async function expectValueOrError(run: () => Promise<unknown>, file: string): Promise<void> {
  const outcome = await settledWithin(run, PER_INPUT_MS);
  if (outcome instanceof Error) {
    expect(outcome, `${outcome.name}: ${outcome.message}`).toBeInstanceOf(MtlsChaosError);
    expectPrintedInputError(outcome, file);
  }
}

/** Numbers JSON can carry that k6 never writes: non-finite once parsed, negative, huge, tiny. */
const hostileNumber = fc.oneof(
  fc.double(),
  fc.constantFrom('1e400', '-1e400', '1e308', '-0', '5e-324', '9007199254740993', '1e21'),
  fc.integer({ min: -1_000, max: 1_000 }),
);
const numberText = hostileNumber.map((value) => (typeof value === 'string' ? value : Number.isFinite(value) ? JSON.stringify(value) : '1e999'));

/** RFC 3339 times from the ends of the representable range and around now, and near-misses. */
const k6Time = fc.oneof(
  fc.integer({ min: Date.parse('0000-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59Z') }).map((ms) => formatK6Time(ms)),
  fc.integer({ min: 0, max: 3 * 86_400_000 }).map((ms) => formatK6Time(Date.parse('2026-01-01T00:00:00Z') + ms)),
  fc.constantFrom('2026-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z', '2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', '+275760-09-13T00:00:00Z', ''),
);
/** Tag values with control characters, unicode line terminators and lone surrogates. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('\u2028', '\u2029', '\r', '\u0000', '\u001b[2J', '\ud800', '\n', '200', '0', '403', '1050'),
);
const METRICS = ['http_reqs', 'http_req_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving', 'http_req_failed', 'dropped_iterations', 'checks', 'vus'];
const pointLine = fc
  .record({
    type: fc.constantFrom('Point', 'Metric', 'Other'),
    metric: fc.constantFrom(...METRICS),
    time: k6Time,
    value: numberText,
    tags: fc.dictionary(fc.constantFrom('status', 'error_code', 'error', 'phase', 'drill', 'url', '__proto__', 'runner'), hostileText, { maxKeys: 5 }),
  })
  .map(({ type, metric, time, value, tags }) => `{"type":${JSON.stringify(type)},"metric":${JSON.stringify(metric)},"data":{"time":${JSON.stringify(time)},"value":${value},"tags":${JSON.stringify(tags)}}}`);
const ndjsonText = fc.oneof(
  fc.array(pointLine, { maxLength: 30 }).map((lines) => lines.join('\n')),
  fc.array(fc.oneof(pointLine, hostileText, fc.constantFrom('null', '[]', '{}', '{"type":"Point"}', '{"type":"Point","data":null}')), { maxLength: 20 }).chain((lines) =>
    fc.constantFrom('\n', '\r\n', '\u2028', '\r').map((separator) => lines.join(separator)),
  ),
);

describe('input readers under generated hostile shapes (fast-check)', () => {
  it('import k6: a result or an E_ error, plain or gzip', async () => {
    await fc.assert(
      fc.asyncProperty(ndjsonText, fc.boolean(), async (text, gzip) => {
        const file = await written(gzip ? 'k6.ndjson.gz' : 'k6.ndjson', gzip ? gzipSync(text) : text);
        await expectValueOrError(
          () => importK6({ files: [file], drill: { name: 'p', description: 'p' }, slos: [{ slo: parseSlo('success.rate >= 50%'), scope: 'run' }], toolVersion: 'test' }),
          file,
        );
      }),
      { numRuns: 150 },
    );
  });

  it('k6 summaries: a summary or an E_ error', async () => {
    const aggregates = fc
      .tuple(fc.option(numberText, { nil: undefined }), fc.dictionary(hostileText, fc.oneof(fc.boolean(), hostileText), { maxKeys: 3 }))
      .map(([count, thresholds]) => `{${count === undefined ? '' : `"count":${count},`}"thresholds":${JSON.stringify(thresholds)}}`);
    const metricsText = fc
      .dictionary(fc.constantFrom('http_reqs', 'dropped_iterations', 'checks'), fc.oneof(aggregates, fc.constantFrom('null', '5', '"x"', '[]')), { maxKeys: 3 })
      .map((metrics) => `{"metrics":{${Object.entries(metrics).map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}}`);
    const summary = fc.oneof(metricsText, fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)), fc.string({ unit: 'binary', maxLength: 200 }));
    await fc.assert(
      fc.asyncProperty(summary, async (text) => {
        const file = await written('summary.json', text);
        await expectValueOrError(() => readK6Summary(file), file);
      }),
      { numRuns: 200 },
    );
  });

  it('result.json: a result or E_RESULT_INVALID, with hostile numbers in any numeric field', async () => {
    const base = JSON.stringify(fixtureRunResult());
    const numericFields = [...base.matchAll(/"(\w+)":(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/g)].map((match) => match.index);
    const mutated = fc.array(fc.tuple(fc.constantFrom(...numericFields), numberText), { minLength: 1, maxLength: 4 }).map((changes) => {
      let text = base;
      // From the end, so earlier offsets stay valid.
      for (const [offset, value] of [...new Map(changes)].sort(([a], [b]) => b - a)) {
        const match = /^"(\w+)":(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/.exec(text.slice(offset))!;
        text = `${text.slice(0, offset)}"${match[1]}":${value}${text.slice(offset + match[0].length)}`;
      }
      return text;
    });
    const text = fc.oneof(mutated, mutated.map((json) => json.replace('"description":"', '"description":"\u2028\u001b[2J\r')), fc.string({ unit: 'binary', maxLength: 300 }));
    await fc.assert(
      fc.asyncProperty(text, async (content) => {
        const file = await written('result.json', content);
        await expectValueOrError(() => readRunResult(file), file);
      }),
      { numRuns: 200 },
    );
  });
});
