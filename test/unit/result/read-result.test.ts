import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseRunResult, readRunResult } from '../../../src/result/index.js';
import { alertedRunResult, fixtureRunResult } from '../report/fixtures/run-result.js';

async function saved(content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-read-result-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'result.json');
  await writeFile(file, content);
  return file;
}

describe('readRunResult', () => {
  it('reads back what the json reporter wrote', async () => {
    const file = await saved(JSON.stringify(fixtureRunResult(), null, 2));
    expect(await readRunResult(file)).toEqual(fixtureRunResult());
  });

  it('reads back the alerts the scenario\'s rules fired, and refuses a firing without a start', async () => {
    const file = await saved(JSON.stringify(alertedRunResult()));
    expect((await readRunResult(file)).alerts).toEqual(alertedRunResult().alerts);
    const broken = { ...alertedRunResult(), alerts: [{ name: 'MtlsX', firings: [{ toMs: 3 }] }] };
    expect(() => parseRunResult(broken, 'r.json')).toThrow(expect.objectContaining({ code: 'E_RESULT_INVALID', path: ['alerts', 0, 'firings', 0, 'fromMs'] }));
  });

  it('reads a result from before resolutionMs as what it was: recovery known to one second', () => {
    const result = fixtureRunResult();
    const old = {
      ...result,
      recovery: { healedAtMs: 19_999, timeMs: 1, targetSuccessRate: 0.999 },
      slos: result.slos.map((slo) => (slo.metric === 'recovery.time' ? { ...slo, measured: 1, passed: true, note: undefined } : slo)),
    };
    const read = parseRunResult(JSON.parse(JSON.stringify(old)), 'r.json');
    expect(read.recovery).toEqual({ healedAtMs: 19_999, timeMs: 1, targetSuccessRate: 0.999, resolutionMs: 1_000 });
    expect(read.slos.find((slo) => slo.metric === 'recovery.time')).toMatchObject({ measured: 1, resolutionMs: 1_000 });
    expect(read.slos.find((slo) => slo.metric === 'handshake.p95')!.resolutionMs).toBeUndefined();
  });

  it('refuses a file that is not JSON, naming the file', async () => {
    const file = await saved('{"schemaVersion": 1,');
    await expect(readRunResult(file)).rejects.toMatchObject({ code: 'E_RESULT_INVALID', file, message: expect.stringMatching(/^not JSON/) });
  });

  it('refuses another schema version, naming the field and both versions', () => {
    expect(() => parseRunResult({ ...fixtureRunResult(), schemaVersion: 2 }, 'r.json')).toThrow(
      expect.objectContaining({ code: 'E_RESULT_INVALID', path: ['schemaVersion'], message: 'not a result this version reads: schemaVersion is 2, expected 1' }),
    );
  });

  it('names the first wrong field', () => {
    const result = fixtureRunResult();
    const broken = { ...result, slos: [result.slos[0], { ...result.slos[1], passed: 'yes' }] };
    expect(() => parseRunResult(broken, 'r.json')).toThrow(expect.objectContaining({ code: 'E_RESULT_INVALID', file: 'r.json', path: ['slos', 1, 'passed'] }));
    expect(() => parseRunResult([], 'r.json')).toThrow(expect.objectContaining({ code: 'E_RESULT_INVALID', path: ['(top level)'] }));
  });

  it('says so when the file is missing', async () => {
    await expect(readRunResult('/nonexistent/result.json')).rejects.toMatchObject({ code: 'E_RESULT_INVALID', message: 'no such file' });
  });

  it.each([
    ['a negative count (rendered as "-Infinity%")', (r: Json) => (r.summary.attempts = -5), ['summary', 'attempts']],
    ['a fractional count', (r: Json) => (r.summary.categories.ok = 1.5), ['summary', 'categories', 'ok']],
    ['a success rate above 1', (r: Json) => (r.summary.successRate = 3), ['summary', 'successRate']],
    ['more succeeded than attempts', (r: Json) => (r.summary.succeeded = r.summary.attempts + 1), ['summary', 'succeeded']],
    ['a negative latency', (r: Json) => (r.summary.latency.total.p95 = -1), ['summary', 'latency', 'total', 'p95']],
    ['a threshold written as null (it overflowed to Infinity)', (r: Json) => (r.slos[0].threshold = null), ['slos', 0, 'threshold']],
    ['a negative timeline second', (r: Json) => (r.timeline[0].second = -1), ['timeline', 0, 'second']],
    ['a start time that is not a time', (r: Json) => (r.startedAt = 'yesterday'), ['startedAt']],
    ['a blast radius above 1', (r: Json) => (r.blastRadius = 2), ['blastRadius']],
    ['more faults than a scenario may hold', (r: Json) => (r.faults = Array.from({ length: 1_001 }, () => ({ kind: 'gateway-pause', description: 'pause', atMs: 0 }))), ['faults']],
  ])('refuses %s, naming the field', (_name, change, path) => {
    const result = JSON.parse(JSON.stringify(fixtureRunResult())) as Json;
    change(result);
    expect(() => parseRunResult(result, 'r.json')).toThrow(expect.objectContaining({ code: 'E_RESULT_INVALID', file: 'r.json', path }));
  });

  it('refuses 1e400 (JSON reads it as Infinity)', async () => {
    const file = await saved(JSON.stringify(fixtureRunResult()).replace('"attemptsPerSecond":', '"attemptsPerSecond":1e400,"x":'));
    await expect(readRunResult(file)).rejects.toMatchObject({ code: 'E_RESULT_INVALID', path: ['summary', 'attemptsPerSecond'] });
  });
});

type Json = any;
