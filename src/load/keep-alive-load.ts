import { performance } from 'node:perf_hooks';
import type autocannonModule from 'autocannon';
import { MtlsChaosError } from '../errors.js';
import { runAttempt } from './attempt.js';
import type { ClientIdentity } from './client-identity.js';
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { LatencySummary } from '../result/run-result.js';
import { resolveTarget } from './load-target.js';

export interface KeepAliveLoadOptions {
  readonly url: string;
  readonly identity: ClientIdentity;
  /** CA bundle that verifies the server. */
  readonly caPem: string;
  readonly servername?: string;
  /** Keep-alive connections, each sending its next request when the previous answer arrived. */
  readonly connections: number;
  readonly durationMs: number;
  /** Requests in flight per connection (HTTP/1.1 pipelining); default 1. */
  readonly pipelining?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface KeepAliveLoadResult {
  readonly requests: number;
  /** 2xx answers per second over the whole run. */
  readonly requestsPerSecond: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly durationMs: number;
  /** Request latency on established connections, in ms. */
  readonly latency: LatencySummary;
}

/**
 * Request load over long-lived mTLS connections (the request-rate side of an SLO, where the
 * handshake cost is paid once per connection), driven by autocannon.
 *
 * autocannon hard-codes `rejectUnauthorized: false` in its tls.connect, so it would talk to any
 * server. One verified attempt (our own, with the same identity and CA) runs first: the load
 * starts only when the server proved who it is and accepted the client.
 */
export async function runKeepAliveLoad(options: KeepAliveLoadOptions): Promise<KeepAliveLoadResult> {
  const target = await resolveTarget({
    url: options.url,
    identities: [options.identity],
    caPem: options.caPem,
    resume: false,
    ...(options.servername !== undefined ? { servername: options.servername } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const now = performance.now();
  const preflight = await runAttempt(target, target.identities[0]!, { dueAt: now, scheduledAtMs: 0 });
  await preflight.socketClosed;
  if (preflight.record.category !== 'ok') {
    throw new MtlsChaosError('E_LOAD_PREFLIGHT', `the verified attempt before the keep-alive load failed: ${preflight.record.category} (${preflight.record.rawCode ?? 'no code'})`, {
      hint: `run \`mtls-chaos probe ${options.url}\` with the same --cert, --key and --ca to see why`,
    });
  }

  const latency = new LatencyHistogram();
  // Loaded on demand: autocannon costs every other command ~0.2-1.7 s of start-up.
  const { default: autocannon } = await import('autocannon');
  let finish: (error: unknown, result: autocannonModule.Result) => void = () => {};
  const done = new Promise<autocannonModule.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: options.pipelining ?? 1,
    duration: options.durationMs / 1_000,
    timeout: Math.ceil((options.timeoutMs ?? target.timeoutMs) / 1_000),
    // The verified attempt used the resolved address; autocannon connects by URL host, which is
    // the same host, and sends SNI for a name (never for an IP literal).
    ...(target.servername !== undefined ? { servername: target.servername } : {}),
    tlsOptions: { cert: options.identity.certPem, key: options.identity.keyPem, ca: options.caPem },
  }, (error, result) => finish(error, result));
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) latency.record(responseTimeMs);
  });
  const stop = () => instance.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();
  let result: autocannonModule.Result;
  try {
    result = await done;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  const durationMs = result.duration * 1_000;
  return {
    requests: result['2xx'],
    requestsPerSecond: durationMs > 0 ? result['2xx'] / (durationMs / 1_000) : 0,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationMs,
    latency: latency.summary(),
  };
}
