import { writeFile } from 'node:fs/promises';
import { formatK6Time } from '../../src/k6/index.js';
import type { AttemptRecord, ErrorCategory, Phase } from '../../src/metrics/index.js';

/**
 * Writes our own attempts as k6 would have recorded the same requests (`--out json` NDJSON): one
 * Point per http_req_* metric stamped at the request's end, the tags k6 sets (status, error_code,
 * error, scenario) and the ones the exported script sets (phase, drill). What k6 cannot know is
 * dropped as k6 would drop it: a refusal the gateway explained in a header keeps only its status.
 */
export async function writeAttemptsAsK6Output(
  file: string,
  attempts: readonly AttemptRecord[],
  options: { loadStartEpochMs: number; drill: string; phaseAt: (ms: number) => Phase; url: string },
): Promise<void> {
  const lines: string[] = [];
  const sorted = [...attempts].sort((a, b) => a.scheduledAtMs + a.totalMs - (b.scheduledAtMs + b.totalMs));
  for (const attempt of sorted) {
    const time = formatK6Time(options.loadStartEpochMs + attempt.scheduledAtMs + attempt.totalMs);
    const phase = options.phaseAt(attempt.scheduledAtMs);
    const status = attempt.httpStatus ?? 0;
    const failure = status === 0 && attempt.category !== 'ok' ? k6ErrorOf(attempt.category) : undefined;
    const tags: Record<string, string> = {
      drill: options.drill,
      scenario: phase,
      phase,
      method: 'GET',
      url: options.url,
      name: options.url,
      proto: 'HTTP/1.1',
      status: String(status),
      expected_response: String(status >= 200 && status < 400),
      ...(failure ? { error_code: failure.code, error: failure.error } : {}),
    };
    const blocked = attempt.startDelayMs;
    const connecting = attempt.tcpConnectMs ?? 0;
    const tls = attempt.tlsHandshakeMs ?? 0;
    const waiting = attempt.firstByteMs ?? 0;
    const receiving = Math.max(0, attempt.totalMs - blocked - connecting - tls - waiting);
    const failed = attempt.category === 'ok' ? 0 : 1;
    const values: [string, number][] = [
      ['http_reqs', 1],
      ['http_req_duration', waiting + receiving],
      ['http_req_blocked', blocked],
      ['http_req_connecting', connecting],
      ['http_req_tls_handshaking', tls],
      ['http_req_sending', 0],
      ['http_req_waiting', waiting],
      ['http_req_receiving', receiving],
      ['http_req_failed', failed],
    ];
    for (const [metric, value] of values) lines.push(JSON.stringify({ type: 'Point', data: { time, value, tags }, metric }));
    lines.push(JSON.stringify({ type: 'Point', data: { time, value: 1 - failed, tags: { drill: options.drill, scenario: phase, phase, check: 'gateway answered 2xx' } }, metric: 'checks' }));
  }
  await writeFile(file, `${lines.join('\n')}\n`);
}

/** k6's error code and Go's error text for a request that got no HTTP answer. */
function k6ErrorOf(category: ErrorCategory): { code: string; error: string } {
  switch (category) {
    case 'handshake_timeout':
      return { code: '1050', error: 'request timeout' };
    case 'connection_refused':
      return { code: '1212', error: 'dial tcp 127.0.0.1:1: connect: connection refused' };
    case 'connection_reset':
      return { code: '1220', error: 'read: connection reset by peer' };
    case 'unknown_ca':
      return { code: '1310', error: 'x509: certificate signed by unknown authority' };
    case 'hostname_mismatch':
      return { code: '1311', error: 'x509: certificate is valid for localhost, not example' };
    default:
      return { code: '1300', error: `remote error: tls: ${category.replace(/_/g, ' ')}` };
  }
}
