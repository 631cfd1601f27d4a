import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickFreePort } from '../../src/lab/free-port.js';
import { ERROR_CATEGORIES } from '../../src/metrics/error-category.js';
import { buildLabPki, type LabPkiFiles } from '../../src/pki/index.js';
import { startNginxTestGateway, type NginxTestGateway } from '../support/nginx-test-gateway.js';
import { runCli } from '../support/run-cli.js';

let workDir: string;
let files: LabPkiFiles;
let nginx: NginxTestGateway;

beforeAll(async () => {
  nginx = await startNginxTestGateway(await buildLabPki({ clients: 2 }));
  ({ workDir, files } = nginx);
});
afterAll(async () => {
  await nginx?.stop();
});

const identityFlags = () => [
  ...files.clients.flatMap((client) => ['--cert', client.certificate, '--key', client.key]),
  '--ca', files.trustBundle,
];

describe('mtls-chaos load', () => {
  it('offers 20/s for 2 s against nginx and writes the JSON summary', async () => {
    const out = join(workDir, 'load.json');
    const result = await runCli(['load', nginx.url, ...identityFlags(), '--rate', '20/s', '--duration', '2s', '--resume', '--json-out', out]);
    expect(result.exitCode).toBe(0);
    // A progress line each second on stderr, a table on stdout.
    expect(result.stderr).toMatch(/\[1s\/2s\] \d+ attempts/);
    expect(result.stdout).toMatch(/attempts\s+40/);
    expect(result.stdout).toMatch(/tls handshake(\s+\d+\.\d\d){4}/);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report).toMatchObject({ attempts: 40, succeeded: 40, dropped: 0, aborted: false, resume: true });
    expect(report.attemptsPerSecond).toBeGreaterThan(15);
    expect(report.attemptsPerSecond).toBeLessThanOrEqual(21);
    expect(Object.keys(report.categories).sort()).toEqual([...ERROR_CATEGORIES].sort());
    expect(report.categories.ok).toBe(40);
    expect(report.resumed).toBeGreaterThan(30);
    for (const phase of ['tlsHandshake', 'total']) {
      const latency = report.latency[phase];
      expect(latency.p50).toBeGreaterThan(0);
      expect(latency.p50).toBeLessThanOrEqual(latency.p95);
      expect(latency.p95).toBeLessThanOrEqual(latency.p99);
      expect(latency.p99).toBeLessThanOrEqual(latency.max);
    }
  });

  it('runs a closed loop with --concurrency: by default only full handshakes; --json prints the summary on stdout, as the file has it', async () => {
    const out = join(workDir, 'closed.json');
    const result = await runCli(['load', nginx.url, ...identityFlags(), '--concurrency', '2', '--duration', '1s', '--json', '--json-out', out]);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(await readFile(out, 'utf8'));
    // stdout is the JSON document alone (| jq works); progress stays on stderr.
    expect(JSON.parse(result.stdout)).toEqual(report);
    expect(report.succeeded).toBeGreaterThan(5);
    expect(report.succeeded).toBe(report.attempts);
    expect(report.resume).toBe(false);
    expect(report.resumed).toBe(0);
    expect(report.peakInFlight).toBe(2);
  });

  it('exits 1 when nothing succeeded, with every attempt in its category', async () => {
    const port = await pickFreePort();
    const out = join(workDir, 'refused.json');
    const result = await runCli(['load', `https://127.0.0.1:${port}/`, ...identityFlags(), '--rate', '10/s', '--duration', '1s', '--json-out', out]);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.attempts).toBe(10);
    expect(report.categories.connection_refused).toBe(10);
    expect(report.rawCodes).toEqual({ ECONNREFUSED: 10 });
  });

  it.each([
    [['--rate', '10/s', '--concurrency', '2'], 'E_CLI_FLAG'],
    [[], 'E_CLI_FLAG'],
    [['--rate', '200'], 'E_RATE'],
    [['--rate', '100001/s'], 'E_RATE'],
    [['--concurrency', '10001'], 'E_CLI_FLAG'],
  ])('refuses %j with exit 2 and %s', async (flags, code) => {
    const result = await runCli(['load', nginx.url, ...identityFlags(), '--duration', '1s', ...flags]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`error[${code}]`);
  });

  it('refuses a duration over 24h', async () => {
    const result = await runCli(['load', nginx.url, ...identityFlags(), '--rate', '1/s', '--duration', '25h']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error[E_LOAD_PROFILE]');
  });
});
