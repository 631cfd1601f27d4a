import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { INPUT_BOUNDS } from '../../src/bounded-file.js';
import { K6_IMPORT_LIMITS } from '../../src/k6/index.js';
import { k6RequestLines, makeFifo, writeGzipBomb } from '../support/hostile-files.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { fixtureRunResult } from '../unit/report/fixtures/run-result.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const PEAK_RSS = fileURLToPath(new URL('./report-peak-rss.ts', import.meta.url));
/** A case that takes longer than this is a hang, as far as the bench is concerned. */
const CASE_TIMEOUT_MS = 120_000;

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** Exit codes that mean the input was handled (2: refused as bad input). */
  readonly expectExit: readonly number[];
  /** What it did before the bounds, for the table. */
  readonly before: string;
}

interface Measured {
  readonly exitCode: number | string;
  readonly seconds: number;
  readonly peakRssMb: number | undefined;
  readonly firstLine: string;
}

/**
 * `npm run bench -- hostile`: the hostile inputs of issue 15, made in a temp folder, each given
 * to the real CLI in a child process of its own (so the peak RSS is the case's): time, peak RSS,
 * exit code and the first error line. The CLI's own start (tsx compiling the sources) is the
 * first row, to subtract by eye.
 */
export async function hostileBench(): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-bench-hostile-'));
  try {
    const cases = await makeCases(dir);
    process.stdout.write(
      `bounds: result ${mb(INPUT_BOUNDS.resultBytes)}, k6 output ${mb(INPUT_BOUNDS.k6OutputBytes)} (decompressed), line ${INPUT_BOUNDS.k6LineBytes / 1024} KiB, ` +
        `import span ${K6_IMPORT_LIMITS.maxSpanMs / 3_600_000} h, ${K6_IMPORT_LIMITS.maxRequests.toLocaleString('en-US')} requests\n\n`,
    );
    process.stdout.write(`${'case'.padEnd(48)} ${'exit'.padStart(4)} ${'time'.padStart(7)} ${'peak RSS'.padStart(9)}  before -> now\n`);
    let met = true;
    for (const testCase of cases) {
      const measured = await measure(testCase.args, dir);
      const ok = testCase.expectExit.includes(Number(measured.exitCode));
      met &&= ok;
      process.stdout.write(
        `${testCase.name.padEnd(48)} ${String(measured.exitCode).padStart(4)} ${`${measured.seconds.toFixed(1)} s`.padStart(7)} ${(measured.peakRssMb === undefined ? '?' : `${measured.peakRssMb.toFixed(0)} MB`).padStart(9)}  ` +
          `${testCase.before} -> ${measured.firstLine || '(no error)'}${ok ? '' : '  << unexpected exit'}\n`,
      );
    }
    return met;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function makeCases(dir: string): Promise<Case[]> {
  const at = (name: string) => join(dir, name);
  const scenario = join(REPO_ROOT, 'scenarios/examples/baseline.yaml');
  const importArgs = (file: string, out: string) => ['import', 'k6', file, '--scenario', scenario, '--out', at(out)];
  const fifo = makeFifo(at('fifo.json'));
  await writeFile(at('week.ndjson'), k6RequestLines('2026-01-01T00:00:00Z') + k6RequestLines('2026-01-08T00:00:00Z'));
  await writeFile(at('ends.ndjson'), k6RequestLines('0000-01-01T00:00:00Z') + k6RequestLines('9999-12-31T23:59:59Z'));
  await writeFile(at('day.ndjson'), k6RequestLines('2026-01-01T00:00:00Z') + k6RequestLines('2026-01-02T00:59:00Z'));
  await writeGzipBomb(at('bomb.ndjson.gz'), 1024);
  await writeFile(at('newlines.ndjson.gz'), gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x0a)));
  await writeFile(at('plain.ndjson.gz'), k6RequestLines('2026-01-01T00:00:00Z'));
  const result = fixtureRunResult();
  await writeFile(at('negative.json'), JSON.stringify({ ...result, summary: { ...result.summary, attempts: -5 } }));
  // 20,000 faults: the 1 MiB scenario that took 16 s in the pairwise overlap check.
  const faults = Array.from({ length: 20_000 }, (_, index) => ({ at: `${index}s`, for: '2s', kind: 'gateway-pause' }));
  await writeFile(at('faults.yaml'), stringify({ name: 'many', description: 'many faults', lab: { gateway: { kind: 'node' } }, load: { rate: '10/s', duration: '24h' }, faults }));
  return [
    { name: 'CLI start (--help), for reference', args: ['--help'], expectExit: [0], before: '-' },
    { name: 'report: a FIFO', args: ['report', fifo], expectExit: [2], before: 'hung forever' },
    { name: 'report: /dev/urandom', args: ['report', '/dev/urandom'], expectExit: [2], before: 'ate ~1 GB' },
    { name: 'compare: a result with a negative count', args: ['compare', at('negative.json'), at('negative.json')], expectExit: [2], before: '"-Infinity%"' },
    { name: 'import k6: gzip, 1 GiB line without newline', args: importArgs(at('bomb.ndjson.gz'), 'o1'), expectExit: [2], before: 'stack trace, exit 1' },
    { name: 'import k6: gzip of 64 MiB of empty lines', args: importArgs(at('newlines.ndjson.gz'), 'o2'), expectExit: [2], before: '~50 s' },
    { name: 'import k6: a .gz that is not gzip', args: importArgs(at('plain.ndjson.gz'), 'o3'), expectExit: [2], before: 'E_INTERNAL' },
    { name: 'import k6: two requests a week apart', args: importArgs(at('week.ndjson'), 'o4'), expectExit: [2], before: '15 s, >1 GB' },
    { name: 'import k6: requests in year 0 and 9999', args: importArgs(at('ends.ndjson'), 'o5'), expectExit: [2], before: 'never finished' },
    { name: 'import k6: 24h59m apart (accepted, at the bound)', args: importArgs(at('day.ndjson'), 'o6'), expectExit: [0, 1], before: '-' },
    { name: 'import k6 --faults a FIFO', args: ['import', 'k6', at('day.ndjson'), '--faults', fifo, '--out', at('o7')], expectExit: [2], before: 'hung forever' },
    { name: 'validate: 20,000 faults (1 MiB)', args: ['validate', at('faults.yaml')], expectExit: [2], before: '16 s' },
  ];
}

function measure(args: readonly string[], dir: string): Promise<Measured> {
  const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--import', PEAK_RSS, CLI, ...args],
      { cwd: REPO_ROOT, timeout: CASE_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, MTLS_CHAOS_PEAK_RSS_FILE: rssFile } },
      (error, _stdout, stderr) => {
        const seconds = (performance.now() - started) / 1_000;
        const exitCode = error ? (typeof error.code === 'number' ? error.code : error.killed ? 'hang' : 'signal') : 0;
        const firstLine = (stderr.split('\n').find((line) => line.startsWith('error[')) ?? '').replaceAll(`${dir}/`, '').slice(0, 100);
        void readFile(rssFile, 'utf8').then(
          (kb) => resolve({ exitCode, seconds, peakRssMb: Number(kb) / 1024, firstLine }),
          () => resolve({ exitCode, seconds, peakRssMb: undefined, firstLine }),
        );
      },
    );
  });
}

function mb(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GiB` : `${bytes / 1024 ** 2} MiB`;
}
