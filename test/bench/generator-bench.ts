import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median, startBenchNginx, type BenchNginx } from './bench-nginx.js';

const exec = promisify(execFile);
const MINIMAL_CLIENT = fileURLToPath(new URL('./minimal-tls-client.ts', import.meta.url));
const CLI_LOAD_CPU = fileURLToPath(new URL('./cli-load-cpu.ts', import.meta.url));
const ROUND_SECONDS = 5;
const ROUNDS = 5;
/** Issue 16: our CPU per attempt at most this many times the minimal Node client's. */
const CPU_RATIO_TARGET = 1.3;
/** Issue 16: `load --concurrency 1` at least this share of `openssl s_time -new`'s rate. */
const RATE_RATIO_TARGET = 0.8;

interface Measurement {
  readonly attemptsPerSecond: number;
  readonly cpuMsPerAttempt: number;
}

type Generator = 'ours' | 'minimal' | 'sTime';

/**
 * The generator's own cost, against two references measured in the same run on the same nginx
 * (1 worker, full mutual handshakes, no resumption), each in its own process one attempt at a time:
 * ours is the real `load --concurrency 1` command; "minimal" is the least a Node mTLS client does
 * per attempt (test/bench/minimal-tls-client.ts); `openssl s_time -new` does the handshake alone
 * (no request, no answer awaited), which bounds what any client that waits for an answer can reach.
 * Rounds interleave the three so that a neighbour's load spike hits all of them; ratios are taken
 * within a round (paired) and the medians of rounds are printed. CPU is the process's user +
 * system time over the load (all threads) divided by the attempts it made.
 */
export async function generatorBench(): Promise<boolean> {
  const nginx = await startBenchNginx('generator');
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-bench-generator-'));
  const rounds: Record<Generator, Measurement>[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const sTime = await measureSTime(nginx);
      const ours = await measureOurs(nginx, join(dir, `load-${round}.json`));
      const minimal = await measureMinimal(nginx);
      rounds.push({ ours, minimal, sTime });
      process.stdout.write(
        `round ${round + 1}: ours ${describe(ours)}; minimal ${describe(minimal)}; s_time -new ${describe(sTime)}\n`,
      );
    }
  } finally {
    await nginx.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const rate = (generator: Generator) => median(rounds.map((r) => r[generator].attemptsPerSecond));
  const cpu = (generator: Generator) => median(rounds.map((r) => r[generator].cpuMsPerAttempt));
  const cpuRatio = median(rounds.map((r) => r.ours.cpuMsPerAttempt / r.minimal.cpuMsPerAttempt));
  const rateRatio = median(rounds.map((r) => r.ours.attemptsPerSecond / r.sTime.attemptsPerSecond));
  const minimalRateRatio = median(rounds.map((r) => r.minimal.attemptsPerSecond / r.sTime.attemptsPerSecond));
  const rows = [
    ['generator (one attempt at a time)', 'attempts/s', 'CPU ms/attempt', 'ratio', 'target'],
    ['ours: load --concurrency 1 --no-resume', rate('ours').toFixed(0), cpu('ours').toFixed(2), '', ''],
    ['minimal Node mTLS client', rate('minimal').toFixed(0), cpu('minimal').toFixed(2), '', ''],
    ['openssl s_time -new', rate('sTime').toFixed(0), cpu('sTime').toFixed(2), '', ''],
    ['CPU per attempt, ours / minimal', '', '', `${cpuRatio.toFixed(2)}x`, `<= ${CPU_RATIO_TARGET}x`],
    ['attempts/s, ours / s_time -new', '', '', `${rateRatio.toFixed(2)}x`, `>= ${RATE_RATIO_TARGET}x`],
    ['attempts/s, minimal / s_time -new', '', '', `${minimalRateRatio.toFixed(2)}x`, '(reference)'],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}\n`);
  process.stdout.write(`(nginx 1 worker, full mutual handshakes, medians of ${ROUNDS} interleaved ${ROUND_SECONDS}s rounds; ratios paired per round)\n`);
  return cpuRatio <= CPU_RATIO_TARGET && rateRatio >= RATE_RATIO_TARGET;
}

function describe(measurement: Measurement): string {
  return `${measurement.attemptsPerSecond.toFixed(0)}/s ${measurement.cpuMsPerAttempt.toFixed(2)} ms CPU`;
}

async function measureOurs(nginx: BenchNginx, jsonFile: string): Promise<Measurement> {
  const client = nginx.files.clients[0]!;
  const { stdout } = await exec(process.execPath, [
    '--import', 'tsx', CLI_LOAD_CPU, nginx.url, '--cert', client.certificate, '--key', client.key, '--ca', nginx.files.trustBundle,
    '--servername', 'localhost', '--concurrency', '1', '--duration', `${ROUND_SECONDS}s`, '--no-resume', '--json-out', jsonFile,
  ]);
  const { cpuMs } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { cpuMs: number };
  const report = JSON.parse(await readFile(jsonFile, 'utf8')) as { attempts: number; succeeded: number; durationMs: number };
  checkSucceeded('ours', report.succeeded, report.attempts);
  return { attemptsPerSecond: report.attempts / (report.durationMs / 1_000), cpuMsPerAttempt: cpuMs / report.attempts };
}

async function measureMinimal(nginx: BenchNginx): Promise<Measurement> {
  const client = nginx.files.clients[0]!;
  const { stdout } = await exec(process.execPath, [
    '--import', 'tsx', MINIMAL_CLIENT, String(nginx.port), 'localhost', client.certificate, client.key, nginx.files.trustBundle, String(ROUND_SECONDS * 1_000),
  ]);
  const result = JSON.parse(stdout.trim()) as { attempts: number; succeeded: number; durationMs: number; cpuMs: number };
  checkSucceeded('minimal', result.succeeded, result.attempts);
  return { attemptsPerSecond: result.attempts / (result.durationMs / 1_000), cpuMsPerAttempt: result.cpuMs / result.attempts };
}

/**
 * s_time's CPU is read the way the kernel accounts a finished child: the shell that ran it prints
 * its own /proc stat, whose cutime + cstime (fields 16-17) are openssl's user + system time.
 */
async function measureSTime(nginx: BenchNginx): Promise<Measurement> {
  const client = nginx.files.clients[0]!;
  const command = 'openssl s_time -connect "$1" -new -time "$2" -cert "$3" -key "$4" -CAfile "$5" && cat /proc/$$/stat';
  const startedAt = performance.now();
  const { stdout } = await exec('sh', ['-c', command, 'sh', `127.0.0.1:${nginx.port}`, String(ROUND_SECONDS), client.certificate, client.key, nginx.files.trustBundle]);
  const wallMs = performance.now() - startedAt;
  const connections = Number(/(\d+) connections in [\d.]+s;/.exec(stdout)?.[1] ?? Number.NaN);
  const stat = stdout.trim().split('\n').at(-1)!;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
  const ticks = Number(fields[13]) + Number(fields[14]); // cutime, cstime
  const { stdout: clockTicks } = await exec('getconf', ['CLK_TCK']);
  return { attemptsPerSecond: connections / (wallMs / 1_000), cpuMsPerAttempt: (ticks * 1_000) / Number(clockTicks) / connections };
}

function checkSucceeded(generator: string, succeeded: number, attempts: number): void {
  if (attempts === 0 || succeeded < attempts * 0.99) throw new Error(`${generator}: only ${succeeded}/${attempts} attempts succeeded`);
}
