import { createServer, type Server } from 'node:http';
import { MtlsChaosError } from '../errors.js';
import type { ListenAddress } from './listen-address.js';

/** Past two scrape intervals, how much longer the last scrape may take to arrive (a busy 2-core CI runner). */
const LAST_SCRAPE_SLACK_MS = 3_000;

export interface MetricsListener {
  /** The bound address (port 0 resolved), always loopback. */
  readonly address: ListenAddress;
  /** http://host:port/metrics */
  readonly url: string;
  /** How many scrapes were answered. */
  readonly scrapes: number;
  /**
   * Waits until a scrape that began after this call has been answered, so that the last
   * numbers of a run reach Prometheus before the run returns. Bounded: two scrape intervals (as
   * observed between the last scrapes) plus 3 s; no wait at all when nothing ever scraped.
   * Resolves false when it gave up.
   */
  awaitNextScrape(signal?: AbortSignal): Promise<boolean>;
  close(): Promise<void>;
}

/** Serves GET /metrics (Prometheus text exposition) on a loopback address. */
export async function startMetricsListener(address: ListenAddress, exposition: () => Promise<string>, contentType: string): Promise<MetricsListener> {
  const scrapeTimes: number[] = [];
  let scrapes = 0;
  /** Each waits for a scrape that began after `since` (one that began before may hold older numbers). */
  let waiters: { since: number; wake: () => void }[] = [];
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    const began = performance.now();
    exposition().then(
      (text) => {
        response.writeHead(200, { 'content-type': contentType }).end(text, () => {
          scrapes += 1;
          scrapeTimes.push(began);
          if (scrapeTimes.length > 3) scrapeTimes.shift();
          for (const waiter of waiters.filter((waiter) => waiter.since <= began)) waiter.wake();
        });
      },
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new MtlsChaosError('E_METRICS_LISTEN', `--metrics-listen: cannot listen on ${address.host}:${address.port}: ${error.code ?? error.message}`, {
          hint: 'choose another port, or port 0 for any free one',
          cause: error,
        }),
      ),
    );
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address();
  if (!bound || typeof bound !== 'object') throw new Error('metrics listener has no address');
  const boundAddress = { host: bound.address, port: bound.port };
  const urlHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    address: boundAddress,
    url: `http://${urlHost}:${bound.port}/metrics`,
    get scrapes() {
      return scrapes;
    },
    async awaitNextScrape(signal) {
      if (scrapeTimes.length === 0 || signal?.aborted) return false;
      const gaps = scrapeTimes.slice(1).map((time, index) => time - scrapeTimes[index]!);
      const intervalMs = gaps.length > 0 ? Math.max(...gaps) : 15_000;
      const since = performance.now();
      return new Promise<boolean>((resolve) => {
        const done = (scraped: boolean) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          waiters = waiters.filter((waiter) => waiter.wake !== wake);
          resolve(scraped);
        };
        const wake = () => done(true);
        const onAbort = () => done(false);
        const timer = setTimeout(() => done(false), 2 * intervalMs + LAST_SCRAPE_SLACK_MS);
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push({ since, wake });
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
