import { pushTimeseries } from 'prometheus-remote-write';
import type { Registry } from 'prom-client';
import { UsageError } from '../errors.js';
import { registryTimeseries } from './registry-timeseries.js';

export const DEFAULT_PUSH_INTERVAL_MS = 1_000;
const PUSH_TIMEOUT_MS = 5_000;

export interface RemoteWritePusher {
  /** Pushes made and answered 2xx. */
  readonly pushed: number;
  /** Stops the timer and makes the final push (the run's last numbers); never throws; idempotent. */
  stop(): Promise<void>;
}

/** `--prometheus-rw URL`: an http(s) URL, refused early (exit 2) rather than failing every push. */
export function parseRemoteWriteUrl(value: string, flag = '--prometheus-rw'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('E_CLI_FLAG', `${flag}: expected an http(s) URL, got "${value}"`, {
      hint: `e.g. ${flag} http://127.0.0.1:9090/api/v1/write (Prometheus started with --web.enable-remote-write-receiver)`,
    });
  }
  return url;
}

/**
 * Pushes the registry by Prometheus remote write every `intervalMs` (for CI runners nothing
 * scrapes, as k6's experimental-prometheus-rw output does), and once more on stop. The encoding
 * (protobuf WriteRequest, snappy) is the prometheus-remote-write package's. A failing receiver
 * is reported once and never breaks the run: the result.json of the run is the record, the
 * live series are a view of it.
 */
export function startRemoteWritePusher(options: {
  readonly url: URL;
  readonly registry: Registry;
  readonly intervalMs?: number;
  readonly warn: (line: string) => void;
}): RemoteWritePusher {
  // Basic auth given in the URL (https://user:pass@host/...) goes in a header: fetch refuses a
  // URL with credentials, and a warning must not print the password.
  const target = new URL(options.url.href);
  const auth = target.username ? { username: decodeURIComponent(target.username), password: decodeURIComponent(target.password) } : undefined;
  target.username = '';
  target.password = '';
  let pushed = 0;
  let warned = false;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped: Promise<void> | undefined;
  const push = async () => {
    try {
      const series = await registryTimeseries(options.registry, Date.now());
      const answer = await pushTimeseries(series, {
        url: target.href,
        ...(auth ? { auth } : {}),
        // Node's own fetch (the library would load node-fetch); snappyjs hands it a Uint8Array.
        fetch: (url, init) =>
          fetch(url, { method: init!.method, headers: init!.headers, body: init!.body as unknown as Uint8Array, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) }),
        // What the remote-write 1.0 spec asks a sender to say (the library leaves it to us).
        headers: { 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0', 'User-Agent': 'mtls-chaos' },
      });
      if (answer.status >= 200 && answer.status < 300) pushed += 1;
      else warnOnce(`HTTP ${answer.status} ${answer.statusText}${answer.errorMessage ? `: ${answer.errorMessage.trim().slice(0, 200)}` : ''}`);
    } catch (error) {
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, a timeout) is its cause.
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      warnOnce(cause?.code ?? cause?.message ?? (error as Error).message);
    }
  };
  const warnOnce = (reason: string) => {
    if (warned) return;
    warned = true;
    options.warn(`warning: --prometheus-rw ${target.href}: push failed (${reason}); the run goes on, later failures are not reported`);
  };
  // One push at a time: a slow receiver must not pile up requests (nor reorder samples).
  const tick = () => {
    inFlight = inFlight.then(push);
  };
  tick();
  const timer = setInterval(tick, options.intervalMs ?? DEFAULT_PUSH_INTERVAL_MS);
  timer.unref();
  return {
    get pushed() {
      return pushed;
    },
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        tick();
        await inFlight;
      })();
      return stopped;
    },
  };
}
