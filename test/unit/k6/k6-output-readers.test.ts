import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  categoryOfK6Request,
  formatK6Time,
  importK6,
  parseK6Time,
  readK6Output,
  mergeK6Summaries,
  readK6Summary,
  type K6Request,
} from '../../../src/k6/index.js';
import { parseSlo } from '../../../src/slo/index.js';
import { REPO_ROOT } from '../../support/run-cli.js';

// Hand-written in k6's documented formats (see test/fixtures/k6/SOURCE.md): these tests prove the
// parsing and the conversion, not what a real k6 writes.
const NDJSON = join(REPO_ROOT, 'test/fixtures/k6/baseline-out.ndjson');
const SUMMARY = join(REPO_ROOT, 'test/fixtures/k6/baseline-summary.json');

async function collect(file: string) {
  const items = [];
  for await (const item of readK6Output(file)) items.push(item);
  return items;
}

async function tempFile(name: string, content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-k6-test-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

describe('parseK6Time', () => {
  it('keeps the nanosecond fraction and honours the zone offset', () => {
    expect(parseK6Time('2026-11-25T12:00:00.050000000+01:00')).toBe(Date.parse('2026-11-25T11:00:00.050Z'));
    expect(parseK6Time('2017-05-09T14:34:45.625742514+02:00')! - Date.parse('2017-05-09T12:34:45.625Z')).toBeCloseTo(0.7425, 3); // epoch ms in a double: a few hundred ns of resolution
    expect(parseK6Time('yesterday')).toBeUndefined();
    expect(parseK6Time(formatK6Time(1_700_000_000_123.456))).toBeCloseTo(1_700_000_000_123.456, 3);
  });
});

describe('readK6Output', () => {
  it('groups each request\'s http_req_* Points, even two requests with identical time and tags', async () => {
    const items = await collect(NDJSON);
    const requests = items.filter((item): item is K6Request => !('metric' in item));
    expect(requests).toHaveLength(5);
    expect(items.filter((item) => 'metric' in item)).toEqual([{ metric: 'dropped_iterations', endEpochMs: Date.parse('2026-11-25T11:00:02.500Z'), value: 1 }]);
    const [ok, timeout, forbidden, twinA, twinB] = requests;
    expect(ok).toMatchObject({ blockedMs: 0.2, connectingMs: 0.3, tlsHandshakingMs: 4.5, waitingMs: 1.2, failed: false });
    expect(ok!.endEpochMs).toBe(Date.parse('2026-11-25T11:00:00.050Z'));
    expect(timeout!.tags['error_code']).toBe('1050');
    expect(forbidden!.tags['phase']).toBe('fault');
    expect(twinA).toEqual(twinB);
  });

  it('reads gzipped output (k6 --out json=FILE.gz)', async () => {
    const { readFile } = await import('node:fs/promises');
    const file = await tempFile('out.ndjson.gz', gzipSync(await readFile(NDJSON)));
    expect((await collect(file)).length).toBe(6);
  });

  it('names the file and line of a line that is not JSON', async () => {
    const file = await tempFile('broken.ndjson', '{"type":"Metric","metric":"vus","data":{}}\nnot json\n');
    await expect(collect(file)).rejects.toMatchObject({ code: 'E_K6_OUTPUT_FORMAT', file, message: 'line 2: not a JSON line' });
  });

  it('refuses a JSON file that is not k6 output', async () => {
    const file = await tempFile('other.ndjson', '{"hello":"world"}\n');
    await expect(collect(file)).rejects.toMatchObject({ code: 'E_K6_OUTPUT_FORMAT', message: expect.stringContaining('is it k6 JSON output') });
  });

  it('says which file cannot be read', async () => {
    await expect(collect('/nonexistent/k6.ndjson')).rejects.toMatchObject({ code: 'E_K6_OUTPUT_READ' });
  });
});

describe('categoryOfK6Request', () => {
  const request = (tags: Record<string, string>): K6Request => ({
    endEpochMs: 0, tags, blockedMs: 0, connectingMs: 0, tlsHandshakingMs: 0, sendingMs: 0, waitingMs: 0, receivingMs: 0, durationMs: 0,
  });
  it.each([
    [{ status: '200' }, 'ok'],
    [{ status: '403' }, 'forbidden'],
    [{ status: '495' }, 'bad_certificate'],
    [{ status: '400' }, 'http_error'],
    [{ status: '0', error_code: '1050' }, 'handshake_timeout'],
    [{ status: '0', error_code: '1212' }, 'connection_refused'],
    [{ status: '0', error_code: '1220' }, 'connection_reset'],
    [{ status: '0', error_code: '1310' }, 'unknown_ca'],
    [{ status: '0', error_code: '1300', error: 'remote error: tls: expired certificate' }, 'cert_expired'],
    [{ status: '0', error_code: '1300', error: 'remote error: tls: revoked certificate' }, 'cert_revoked'],
    [{ status: '0', error_code: '1300', error: 'remote error: tls: bad certificate status response' }, 'ocsp_unavailable'],
    [{ status: '0', error_code: '1300', error: 'remote error: tls: something new' }, 'other'],
  ])('%o -> %s', (tags, category) => {
    expect(categoryOfK6Request(request(tags)).category).toBe(category);
  });
});

describe('readK6Summary', () => {
  it('reads the request count and the thresholds k6 judged failed', async () => {
    const summary = await readK6Summary(SUMMARY);
    expect(summary).toEqual({ requests: 5, droppedIterations: 1, failedThresholds: ['checks{phase:baseline}: rate>=0.999'], thresholdCount: 2 });
  });

  it('merges several runners\' summaries: counts add up, failed thresholds listed', async () => {
    const one = await readK6Summary(SUMMARY);
    expect(mergeK6Summaries([one, one])).toEqual({ requests: 10, droppedIterations: 2, failedThresholds: [...one.failedThresholds, ...one.failedThresholds], thresholdCount: 4 });
  });

  it('refuses a file without metrics (a handleSummary output, say)', async () => {
    const file = await tempFile('summary.json', '{"root_group":{}}');
    await expect(readK6Summary(file)).rejects.toMatchObject({ code: 'E_K6_SUMMARY_FORMAT' });
  });
});

describe('importK6 on the fixture', () => {
  it('turns the requests into a judged result, with k6\'s own view as warnings', async () => {
    const result = await importK6({
      files: [NDJSON],
      summary: await readK6Summary(SUMMARY),
      drill: { name: 'baseline', description: 'fixture' },
      slos: [
        { slo: parseSlo('success.rate >= 50%'), scope: 'run' },
        { slo: parseSlo('handshake.p95 < 150ms'), scope: 'run' },
        { slo: parseSlo('category.handshake_timeout.count == 1'), scope: 'run' },
      ],
      toolVersion: 'test',
    });
    expect(result.summary.attempts).toBe(5);
    expect(result.summary.categories).toMatchObject({ ok: 3, handshake_timeout: 1, forbidden: 1 });
    // The timeout never finished its handshake: no zero in the handshake percentiles.
    expect(result.summary.latency.tlsHandshake.count).toBe(4);
    expect(result.summary.latency.tlsHandshake.min).toBeGreaterThan(2);
    expect(result.slos.map((slo) => [slo.expression, slo.passed])).toEqual([
      ['success.rate >= 50%', true],
      ['handshake.p95 < 150ms', true],
      ['category.handshake_timeout.count == 1', true],
    ]);
    expect(result.verdict).toBe('pass');
    expect(result.scenario.runtime).toBe('external');
    expect(result.load.target).toBe('https://127.0.0.1:8443/');
    expect(result.warnings.map((warning) => warning.code)).toEqual(expect.arrayContaining(['K6_LOAD', 'K6_THRESHOLDS_FAILED', 'K6_DROPPED_ITERATIONS']));
    // ms 0 is the first request's start: 11:00:00.050 minus its 0.2 + 0.3 + 4.5 + 1.35 ms.
    expect(Date.parse(result.loadStartedAt!)).toBe(Date.parse('2026-11-25T11:00:00.043Z'));
  });

  it('merges several runners\' files by time, and says when the summary counted otherwise', async () => {
    const result = await importK6({
      files: [NDJSON, NDJSON],
      summary: await readK6Summary(SUMMARY),
      drill: { name: 'baseline', description: 'fixture' },
      slos: [{ slo: parseSlo('attempts.count == 10'), scope: 'run' }],
      toolVersion: 'test',
    });
    expect(result.summary.categories).toMatchObject({ ok: 6, handshake_timeout: 2, forbidden: 2 });
    // In time order, every timeline second keeps its latencies (none arrives after its second closed).
    expect(result.timeline.reduce((total, bucket) => total + bucket.attempts, 0)).toBe(10);
    expect(result.slos[0]!.passed).toBe(true);
    expect(result.warnings.find((warning) => warning.code === 'K6_SUMMARY_MISMATCH')?.message).toContain('counts 5 requests, the JSON output 10');
  });
});
