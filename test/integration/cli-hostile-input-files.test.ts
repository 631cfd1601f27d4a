import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/run-cli.js';
import { k6RequestLines, makeFifo, writeGzipBomb } from '../support/hostile-files.js';
import { fixtureRunResult } from '../unit/report/fixtures/run-result.js';

/**
 * Input files as an attacker or a careless user hands them over, through the real CLI: each ends
 * in exit 2 with one `error[E_...]: <file>: ...` line and a hint, no stack trace, no E_INTERNAL,
 * and no hang (a FIFO nobody writes to used to hang `report` forever). Fixtures are made here;
 * the big ones (a gzip of 1 GiB without a newline) are ~1 MB on disk.
 */
let dir: string;
let fifo: string;
const SCENARIO = 'scenarios/examples/baseline.yaml';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-hostile-files-'));
  fifo = makeFifo(join(dir, 'result.json'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function expectBadInput(result: CliResult, code: string, file: string, message: string | RegExp): void {
  expect(result.exitCode, result.stderr).toBe(2);
  const first = result.stderr.split('\n').find((line) => line.startsWith('error['));
  expect(first).toBeDefined();
  expect(first!.startsWith(`error[${code}]: ${file}: `), first).toBe(true);
  expect(first!.slice(`error[${code}]: ${file}: `.length)).toMatch(message);
  expect(result.stderr).toContain('  hint: ');
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('E_INTERNAL');
}

/** Generous: a CLI start takes several seconds on a busy 2-core machine; a hang would take the test's whole timeout. */
const QUICK = { timeoutMs: 45_000 };

describe('report and compare are given a file that is not a result', () => {
  it('a FIFO: refused at once, not read forever', async () => {
    expectBadInput(await runCli(['report', fifo], QUICK), 'E_RESULT_INVALID', fifo, 'is a FIFO (named pipe), not a regular file; expected a result.json');
  });

  it('/dev/urandom: refused without reading a byte', async () => {
    expectBadInput(await runCli(['compare', '/dev/urandom', fifo], QUICK), 'E_RESULT_INVALID', '/dev/urandom', /^is a character device, not a regular file/);
  });

  it('a result with a negative count (it rendered as "-Infinity%")', async () => {
    const result = fixtureRunResult();
    const file = join(dir, 'negative.json');
    await writeFile(file, JSON.stringify({ ...result, summary: { ...result.summary, attempts: -5 } }));
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify(result));
    const run = await runCli(['compare', good, file], QUICK);
    expectBadInput(run, 'E_RESULT_INVALID', `${file}: summary.attempts`, /^not a valid mtls-chaos result: expected a count of at least 0/);
    expect(run.stdout).not.toContain('Infinity');
  });
});

describe('import k6 is given hostile output files', () => {
  it('a gzip whose line decompresses to 1 GiB without a newline: exit 2 at the line bound (it was a stack trace and exit 1)', async () => {
    const bomb = await writeGzipBomb(join(dir, 'bomb.ndjson.gz'), 1024);
    expectBadInput(await runCli(['import', 'k6', bomb, '--scenario', SCENARIO, '--out', join(dir, 'out-bomb')], QUICK), 'E_K6_OUTPUT_READ', bomb, 'line 1 is longer than 64 KiB; a line of k6 output is far shorter');
  });

  it('a .gz that is not gzip (it was E_INTERNAL "incorrect header check")', async () => {
    const file = join(dir, 'plain.ndjson.gz');
    await writeFile(file, k6RequestLines('2026-01-01T00:00:00Z'));
    expectBadInput(await runCli(['import', 'k6', file, '--scenario', SCENARIO, '--out', join(dir, 'out-plain')], QUICK), 'E_K6_OUTPUT_READ', file, /^is named \.gz but is not gzip/);
  });

  it('two requests a week apart: exit 2 naming the bound (it took 15 s and over 1 GB)', async () => {
    const file = join(dir, 'week.ndjson');
    await writeFile(file, k6RequestLines('2026-01-01T00:00:00Z') + k6RequestLines('2026-01-08T00:00:00Z'));
    expectBadInput(await runCli(['import', 'k6', file, '--scenario', SCENARIO, '--out', join(dir, 'out-week')], QUICK), 'E_K6_IMPORT_SPAN', file, /^the requests span 7d, .*; an import may span at most 25h/);
  });

  it('--faults and --summary that are a FIFO and a device', async () => {
    const file = join(dir, 'ok.ndjson');
    await writeFile(file, k6RequestLines('2026-01-01T00:00:00Z'));
    expectBadInput(await runCli(['import', 'k6', file, '--faults', fifo, '--out', join(dir, 'out-faults')], QUICK), 'E_RESULT_INVALID', fifo, /^is a FIFO/);
    expectBadInput(await runCli(['import', 'k6', file, '--summary', '/dev/zero', '--scenario', SCENARIO, '--out', join(dir, 'out-summary')], QUICK), 'E_K6_SUMMARY_READ', '/dev/zero', /^is a character device/);
  });
});

describe('flag files', () => {
  it('probe --ca naming a FIFO', async () => {
    expectBadInput(await runCli(['probe', 'https://127.0.0.1:9/', '--ca', fifo], QUICK), 'E_CLI_FILE', fifo, /^is a FIFO/);
  });
});
