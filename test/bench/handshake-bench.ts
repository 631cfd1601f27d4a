import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runLoad, type LoadProfile } from '../../src/load/index.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { median, startBenchNginx } from './bench-nginx.js';

const exec = promisify(execFile);
const ROUND_SECONDS = 5;
const ROUNDS = 3;
const TARGET_RATIO = 0.7;
const RSS_TARGET_MB = 300;

/**
 * Our generator against openssl s_time -new on the same nginx mTLS gateway, interleaved in one
 * run. s_time does one full handshake at a time (no HTTP request); ours at concurrency 1 is the
 * like-for-like figure (one full handshake + one HTTP request at a time), concurrency 8 shows
 * what overlapping attempts add. Then the peak RSS of `load --concurrency 1000`.
 */
export async function handshakeBench(): Promise<boolean> {
  const gateway = await startBenchNginx('handshake');
  const { pki, files, url } = gateway;
  const client = pki.clients[0]!;
  const identity = { name: client.name, certPem: client.chainPem, keyPem: client.keyPem };
  const ours = async (concurrency: number) => {
    const profile: LoadProfile = { kind: 'concurrency', concurrency, durationMs: ROUND_SECONDS * 1000 };
    const outcome = await runLoad(profile, { url, identities: [identity], caPem: pki.root.certificate.pem, servername: 'localhost', resume: false });
    if (outcome.succeeded < outcome.attempts * 0.99) throw new Error(`only ${outcome.succeeded}/${outcome.attempts} attempts succeeded`);
    return outcome.succeeded / (outcome.durationMs / 1000);
  };
  const openssl = async () => {
    const started = performance.now();
    const { stdout } = await exec('openssl', [
      's_time', '-connect', `127.0.0.1:${gateway.port}`, '-new', '-time', String(ROUND_SECONDS),
      '-cert', files.clients[0]!.certificate, '-key', files.clients[0]!.key, '-CAfile', files.trustBundle,
    ]);
    const connections = Number(/(\d+) connections in [\d.]+s;/.exec(stdout)?.[1] ?? Number.NaN);
    return connections / ((performance.now() - started) / 1000);
  };

  const rates = { openssl: [] as number[], c1: [] as number[], c8: [] as number[] };
  let rssMb = Number.NaN;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      rates.openssl.push(await openssl());
      rates.c1.push(await ours(1));
      rates.c8.push(await ours(8));
      process.stdout.write(
        `round ${round + 1}: openssl s_time -new ${rates.openssl.at(-1)!.toFixed(0)}/s, ours c=1 ${rates.c1.at(-1)!.toFixed(0)}/s, c=8 ${rates.c8.at(-1)!.toFixed(0)}/s\n`,
      );
    }
    rssMb = await peakRssOfLoad(url, files.clients[0]!.certificate, files.clients[0]!.key, files.trustBundle);
  } finally {
    await gateway.stop();
  }
  const reference = median(rates.openssl);
  const ratio1 = median(rates.c1) / reference;
  const ratio8 = median(rates.c8) / reference;
  const rows = [
    ['openssl s_time -new (reference)', `${reference.toFixed(0)}/s`, '1.00x', ''],
    ['ours, concurrency 1 (+ HTTP request)', `${median(rates.c1).toFixed(0)}/s`, `${ratio1.toFixed(2)}x`, `the better of these two >= ${TARGET_RATIO}x`],
    ['ours, concurrency 8', `${median(rates.c8).toFixed(0)}/s`, `${ratio8.toFixed(2)}x`, ''],
    ['peak RSS of load --concurrency 1000', `${rssMb.toFixed(0)} MB`, '', `< ${RSS_TARGET_MB} MB`],
  ];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}\n`);
  process.stdout.write(`(nginx 1 worker, full mutual handshakes, medians of ${ROUNDS} interleaved ${ROUND_SECONDS}s rounds)\n`);
  const best = Math.max(ratio1, ratio8);
  return best >= TARGET_RATIO && rssMb < RSS_TARGET_MB;
}

/** Runs the real CLI (built dist when present) and samples its VmHWM (peak RSS) from /proc. */
async function peakRssOfLoad(url: string, cert: string, key: string, ca: string): Promise<number> {
  const built = join(REPO_ROOT, 'dist/cli/main.js');
  const entry = existsSync(built) ? [built] : ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts')];
  const child = spawn(process.execPath, [...entry, 'load', url, '--cert', cert, '--key', key, '--ca', ca, '--servername', 'localhost', '--concurrency', '1000', '--duration', '5s'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let peakKb = 0;
  const timer = setInterval(async () => {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // exited between samples
    }
  }, 100);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`load --concurrency 1000 exited ${code}: ${stderr.slice(-500)}`);
  return peakKb / 1024;
}
