import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatK6Time, importK6 } from '../../src/k6/index.js';
import { parseSlo } from '../../src/slo/index.js';

const REQUESTS = 100_000;
/** Streaming target: the import's memory must not grow with the file. */
const MAX_RSS_GROWTH_MB = 150;

/**
 * `npm run bench -- k6-import`: a synthetic k6 --out json file (100,000 requests, 50/s, 1 in 100
 * timing out) imported end to end; prints the file size, requests per second and the growth of
 * the process's RSS during the import (the reader streams, so it should stay far below the file).
 */
export async function k6ImportBench(): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-bench-k6-'));
  try {
    const file = join(dir, 'k6.ndjson');
    const out = createWriteStream(file);
    const zero = Date.parse('2026-01-01T00:00:00Z');
    for (let index = 0; index < REQUESTS; index++) {
      const timeout = index % 100 === 99;
      const tags = { drill: 'bench', phase: 'baseline', scenario: 'baseline', status: timeout ? '0' : '200', ...(timeout ? { error_code: '1050' } : {}), url: 'https://127.0.0.1:8443/' };
      const time = formatK6Time(zero + index * 20 + 8);
      const values: [string, number][] = [
        ['http_reqs', 1], ['http_req_duration', 1.5], ['http_req_blocked', 0.1], ['http_req_connecting', 0.3], ['http_req_tls_handshaking', 3 + (index % 7)],
        ['http_req_sending', 0.05], ['http_req_waiting', 1.3], ['http_req_receiving', 0.15], ['http_req_failed', timeout ? 1 : 0],
      ];
      let chunk = '';
      for (const [metric, value] of values) chunk += `${JSON.stringify({ type: 'Point', data: { time, value, tags }, metric })}\n`;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const sizeMb = (await stat(file)).size / 1e6;
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const started = performance.now();
    const result = await importK6({
      files: [file],
      drill: { name: 'bench', description: 'bench' },
      slos: [{ slo: parseSlo('success.rate >= 98%'), scope: 'run' }],
      toolVersion: 'bench',
    });
    const seconds = (performance.now() - started) / 1_000;
    clearInterval(sampler);
    const growthMb = (peakRss - rssBefore) / 1e6;
    const met = result.summary.attempts === REQUESTS && growthMb < MAX_RSS_GROWTH_MB;
    process.stdout.write(
      `file ${sizeMb.toFixed(0)} MB, ${REQUESTS} requests: imported in ${seconds.toFixed(1)} s ` +
        `(${Math.round(REQUESTS / seconds)} requests/s, both passes), RSS growth ${growthMb.toFixed(0)} MB (target < ${MAX_RSS_GROWTH_MB} MB)\n`,
    );
    return met;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
