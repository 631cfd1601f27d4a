import { INPUT_BOUNDS, readBoundedLines, type LineInputFile } from '../bounded-file.js';
import { UsageError } from '../errors.js';
import { parseK6Time } from './k6-time.js';

/**
 * One HTTP request as k6's JSON output describes it. k6 writes a request's samples together
 * (one Point per http_req_* metric, same time and tags: the request's end), so a request is the
 * group of consecutive http_req_* Points sharing time and tags. Timings are milliseconds.
 */
export interface K6Request {
  /** Epoch ms (sub-ms kept) when k6 stamped the request's samples: when it ended. */
  readonly endEpochMs: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly blockedMs: number;
  readonly connectingMs: number;
  readonly tlsHandshakingMs: number;
  readonly sendingMs: number;
  readonly waitingMs: number;
  readonly receivingMs: number;
  /** sending + waiting + receiving (k6's http_req_duration). */
  readonly durationMs: number;
  /** http_req_failed: 1 when k6 counted the request as failed. */
  readonly failed?: boolean;
}

/** Other samples the import uses: k6 could not start an iteration on schedule. */
export interface K6OtherSample {
  readonly metric: 'dropped_iterations';
  readonly endEpochMs: number;
  readonly value: number;
}

const TIMING_METRICS = {
  http_req_blocked: 'blockedMs',
  http_req_connecting: 'connectingMs',
  http_req_tls_handshaking: 'tlsHandshakingMs',
  http_req_sending: 'sendingMs',
  http_req_waiting: 'waitingMs',
  http_req_receiving: 'receivingMs',
  http_req_duration: 'durationMs',
} as const;
type TimingField = (typeof TIMING_METRICS)[keyof typeof TIMING_METRICS];

interface OpenGroup {
  readonly endEpochMs: number;
  readonly tags: Record<string, string>;
  readonly values: Partial<Record<TimingField | 'failed' | 'reqs', number>>;
}

/** Requests interleaved in the file (several VUs writing at once) are grouped within this many open groups. */
const OPEN_GROUPS = 256;

const HINT = 'import k6 reads the NDJSON of `k6 run --out json=FILE` (lines like {"type":"Point","metric":"http_req_duration","data":{...}})';
const K6_OUTPUT_FILE: LineInputFile = {
  code: 'E_K6_OUTPUT_READ',
  what: 'k6 output',
  hint: 'pass the file written by `k6 run --out json=FILE` (.gz too)',
  maxBytes: INPUT_BOUNDS.k6OutputBytes,
  maxLineBytes: INPUT_BOUNDS.k6LineBytes,
};

/**
 * Streams a k6 `--out json=FILE` file (NDJSON, optionally gzip) line by line: memory stays flat
 * whatever its size, and the file is bounded (src/bounded-file.ts: size, decompressed size, line
 * length). Lines other than Points of the metrics used are skipped; a line that is not JSON, or a
 * Point without a valid time, is an error naming the file and line.
 */
export async function* readK6Output(file: string): AsyncGenerator<K6Request | K6OtherSample> {
  const groups = new Map<string, OpenGroup>();
  let lineNumber = 0;
  let k6Lines = 0;
  const fail = (message: string): never => {
    throw new UsageError('E_K6_OUTPUT_FORMAT', `line ${lineNumber}: ${message}`, { file, hint: HINT });
  };
  for await (const lines of readBoundedLines(file, K6_OUTPUT_FILE)) {
    for (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        fail('not a JSON line');
      }
      if (parsed === null || typeof parsed !== 'object') continue; // a number or a string: not a k6 line
      const record = parsed as { type?: unknown; metric?: unknown; data?: { time?: unknown; value?: unknown; tags?: unknown } };
      if (record.type === 'Metric') {
        k6Lines += 1;
        continue;
      }
      if (record.type !== 'Point') continue;
      k6Lines += 1;
      const metric = record.metric;
      if (typeof metric !== 'string' || !record.data) fail('a Point without "metric" or "data"');
      const time = typeof record.data?.time === 'string' ? parseK6Time(record.data.time) : undefined;
      if (time === undefined) fail(`a Point with data.time ${JSON.stringify(record.data?.time)}, expected an RFC 3339 time`);
      const value = Number(record.data?.value);
      // Times, counts and 0/1 flags: a negative or infinite one (JSON reads 1e400 as Infinity) is no k6 sample.
      if (!Number.isFinite(value) || value < 0) fail(`a Point with data.value ${describeNumber(record.data?.value)}, expected a number of at least 0`);
      if (metric === 'dropped_iterations') {
        yield { metric, endEpochMs: time as number, value };
        continue;
      }
      const field = metric === 'http_req_failed' ? 'failed' : metric === 'http_reqs' ? 'reqs' : TIMING_METRICS[metric as keyof typeof TIMING_METRICS];
      if (!field) continue;
      const tags = normaliseTags(record.data?.tags) ?? fail(`a Point with more than ${MAX_TAGS} tags; k6 writes a few dozen at most`);
      const key = `${time}\u0000${JSON.stringify(tags)}`;
      let group = groups.get(key);
      if (group && group.values[field] !== undefined) {
        // The same metric again with the same time and tags: a second request, not more of this one.
        groups.delete(key);
        const request = toRequest(group);
        if (request) yield request;
        group = undefined;
      }
      if (!group) {
        group = { endEpochMs: time as number, tags, values: {} };
        groups.set(key, group);
        if (groups.size > OPEN_GROUPS) {
          const [oldestKey, oldest] = groups.entries().next().value as [string, OpenGroup];
          groups.delete(oldestKey);
          const request = toRequest(oldest);
          if (request) yield request;
        }
      }
      group.values[field] = value;
      if (field === 'failed' && isComplete(group)) {
        // http_req_failed is the last sample k6 writes for a request: close it now.
        groups.delete(key);
        const request = toRequest(group);
        if (request) yield request;
      }
    }
  }
  if (k6Lines === 0 && lineNumber > 0) {
    lineNumber = 1;
    fail('no k6 Metric or Point lines in the file: is it k6 JSON output?');
  }
  for (const group of groups.values()) {
    const request = toRequest(group);
    if (request) yield request;
  }
}

function isComplete(group: OpenGroup): boolean {
  return Object.values(TIMING_METRICS).every((field) => group.values[field] !== undefined);
}

function toRequest(group: OpenGroup): K6Request | undefined {
  const v = group.values;
  // A group without http_req_duration is not a request k6 timed (a stray sample): skip it.
  if (v.durationMs === undefined) return undefined;
  return {
    endEpochMs: group.endEpochMs,
    tags: group.tags,
    blockedMs: v.blockedMs ?? 0,
    connectingMs: v.connectingMs ?? 0,
    tlsHandshakingMs: v.tlsHandshakingMs ?? 0,
    sendingMs: v.sendingMs ?? 0,
    waitingMs: v.waitingMs ?? 0,
    receivingMs: v.receivingMs ?? 0,
    durationMs: v.durationMs,
    ...(v.failed === undefined ? {} : { failed: v.failed >= 1 }),
  };
}

/** k6's system tags are about fifteen; a script adds a few. More is not k6 output, and costs a sort per line. */
const MAX_TAGS = 256;

/** Sorted by key (code units: cheap, and the same order for the same tags), or undefined for too many. */
function normaliseTags(tags: unknown): Record<string, string> | undefined {
  if (!tags || typeof tags !== 'object') return {};
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > MAX_TAGS) return undefined;
  const kept = entries
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => [key, typeof value === 'object' ? JSON.stringify(value) : String(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(kept);
}

/** A found value for a message: JSON.parse turns 1e400 into Infinity, which JSON.stringify prints as null. */
function describeNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}
