import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

/**
 * Hostile input files made at test or bench time, never committed: the big ones are cheap to
 * make and small on disk.
 */

/** A named pipe nobody writes to: opening it for reading the usual way waits forever. */
export function makeFifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

/**
 * A gzip file that decompresses to `mebibytes` MiB of one byte and no newline: the same 1 MiB
 * member repeated (RFC 1952 allows members one after another), so a 1 GiB bomb takes ~1 MB on
 * disk and no time to make.
 */
export async function writeGzipBomb(path: string, mebibytes: number, byte = 0x61): Promise<string> {
  const member = gzipSync(Buffer.alloc(1024 * 1024, byte), { level: 9 });
  await writeFile(path, Buffer.concat(Array.from({ length: mebibytes }, () => member)));
  return path;
}

const REQUEST_METRICS = [
  'http_reqs',
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'http_req_failed',
] as const;

/** The NDJSON lines k6 writes for one successful request stamped at `time` (RFC 3339). */
export function k6RequestLines(time: string, tags: Record<string, string> = { status: '200', drill: 'baseline', phase: 'baseline' }): string {
  return REQUEST_METRICS.map((metric) => JSON.stringify({ type: 'Point', metric, data: { time, value: metric === 'http_req_failed' ? 0 : 1, tags } })).join('\n') + '\n';
}
