import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { importK6, readK6Output, readK6Summary, type ImportK6Options } from '../../../src/k6/index.js';
import { parseSlo } from '../../../src/slo/index.js';
import { fixtureRunResult } from '../report/fixtures/run-result.js';
import { k6RequestLines } from '../../support/hostile-files.js';

async function tempFile(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-k6-bounds-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

function importFiles(files: string[], extra: Partial<ImportK6Options> = {}) {
  return importK6({ files, drill: { name: 'baseline', description: 'bounds' }, slos: [{ slo: parseSlo('success.rate >= 50%'), scope: 'run' }], toolVersion: 'test', ...extra });
}

async function collect(file: string) {
  const items = [];
  for await (const item of readK6Output(file)) items.push(item);
  return items;
}

describe('import k6: the span and the request count are bounded', () => {
  it('refuses two requests a week apart at once, naming the files and the bound (it took 15 s and 1 GB)', async () => {
    const early = await tempFile('runner-1.ndjson', k6RequestLines('2026-01-01T00:00:00Z'));
    const late = await tempFile('runner-2.ndjson', k6RequestLines('2026-01-08T00:00:00Z'));
    const started = performance.now();
    await expect(importFiles([early, late])).rejects.toMatchObject({
      code: 'E_K6_IMPORT_SPAN',
      file: late,
      message: expect.stringMatching(new RegExp(`^the requests span 7d, from 2025-12-31T23:59:59\\.996Z in ${early} to 2026-01-08T00:00:00\\.000Z in ${late}; an import may span at most 25h`)),
    });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses requests at the ends of the representable time range (they never finished)', async () => {
    const file = await tempFile('ends.ndjson', k6RequestLines('0000-01-01T00:00:00Z') + k6RequestLines('9999-12-31T23:59:59Z'));
    await expect(importFiles([file])).rejects.toMatchObject({ code: 'E_K6_IMPORT_SPAN', file });
  });

  it('refuses absurd timings that put a request\'s start far before its end', async () => {
    const lines = k6RequestLines('2026-01-01T00:00:00Z').replace('"metric":"http_req_blocked","data":{"time":"2026-01-01T00:00:00Z","value":1', '"metric":"http_req_blocked","data":{"time":"2026-01-01T00:00:00Z","value":1e300');
    const file = await tempFile('timings.ndjson', lines);
    await expect(importFiles([file])).rejects.toMatchObject({ code: 'E_K6_IMPORT_SPAN', message: expect.stringContaining('ms since 1970') });
  });

  it('refuses a --faults run whose load is far from the requests, or absurdly long', async () => {
    const file = await tempFile('k6.ndjson', k6RequestLines('2026-01-01T00:00:10Z'));
    const faultRun = { ...fixtureRunResult(), loadStartedAt: '2026-01-01T00:00:00.000Z' };
    await expect(importFiles([file], { faultRun: { ...faultRun, loadStartedAt: '2025-01-01T00:00:00.000Z' } })).rejects.toMatchObject({ code: 'E_K6_IMPORT_SPAN' });
    await expect(importFiles([file], { faultRun: { ...faultRun, load: { ...faultRun.load, actualDurationMs: 1e300 } } })).rejects.toMatchObject({ code: 'E_K6_IMPORT_SPAN' });
    // Within the bound the same run imports.
    expect((await importFiles([file], { faultRun })).summary.attempts).toBe(1);
  });

  it('stops counting at the request bound, naming the file it reached it in', async () => {
    const file = await tempFile('many.ndjson', ['00', '01', '02'].map((second) => k6RequestLines(`2026-01-01T00:00:${second}Z`)).join(''));
    await expect(importFiles([file], { limits: { maxRequests: 2 } })).rejects.toMatchObject({ code: 'E_K6_IMPORT_LIMIT', file, message: expect.stringMatching(/^more than 2 requests/) });
  });

  it('imports a 25-hour span of sparse requests: one timeline entry per second', async () => {
    const file = await tempFile('day.ndjson', k6RequestLines('2026-01-01T00:00:00Z') + k6RequestLines('2026-01-02T00:59:00Z'));
    const result = await importFiles([file]);
    expect(result.summary.attempts).toBe(2);
    expect(result.timeline.length).toBe(24 * 3_600 + 59 * 60 + 1);
  });
});

describe('readK6Output: values and shapes k6 never writes', () => {
  it.each([
    ['a negative time', '-5'],
    ['1e400 (JSON reads it as Infinity)', '1e400'],
  ])('refuses a Point with %s as its value, naming the line', async (_name, value) => {
    const file = await tempFile('bad.ndjson', `{"type":"Metric","metric":"vus","data":{}}\n{"type":"Point","metric":"http_req_duration","data":{"time":"2026-01-01T00:00:00Z","value":${value},"tags":{}}}\n`);
    await expect(collect(file)).rejects.toMatchObject({ code: 'E_K6_OUTPUT_FORMAT', file, message: expect.stringMatching(/^line 2: a Point with data\.value .*, expected a number of at least 0$/) });
  });

  it('skips JSON lines that are not objects (null, numbers) instead of crashing', async () => {
    const file = await tempFile('odd.ndjson', `null\n42\n"text"\n${k6RequestLines('2026-01-01T00:00:00Z')}`);
    expect(await collect(file)).toHaveLength(1);
  });

  it('refuses a Point with more tags than k6 writes', async () => {
    const tags = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`t${index}`, 'x']));
    const file = await tempFile('tags.ndjson', k6RequestLines('2026-01-01T00:00:00Z', tags));
    await expect(collect(file)).rejects.toMatchObject({ code: 'E_K6_OUTPUT_FORMAT', message: 'line 1: a Point with more than 256 tags; k6 writes a few dozen at most' });
  });
});

describe('readK6Summary: counts', () => {
  it.each([['-1'], ['1e400'], ['1.5'], ['"5"']])('refuses http_reqs.count %s, naming the field', async (count) => {
    const file = await tempFile('summary.json', `{"metrics":{"http_reqs":{"count":${count}}}}`);
    await expect(readK6Summary(file)).rejects.toMatchObject({ code: 'E_K6_SUMMARY_FORMAT', file, path: ['metrics', 'http_reqs', 'count'] });
  });
});
