import { describe, expect, it, onTestFinished } from 'vitest';
import { startMetricsListener, type MetricsListener } from '../../../src/observe/index.js';

async function listener(exposition: () => Promise<string>): Promise<MetricsListener> {
  const started = await startMetricsListener({ host: '127.0.0.1', port: 0 }, exposition, 'text/plain; version=0.0.4; charset=utf-8');
  onTestFinished(() => started.close());
  return started;
}

describe('metrics listener', () => {
  it('binds the loopback address asked for (port 0: a free one) and serves GET /metrics only', async () => {
    const server = await listener(async () => 'mtls_chaos_x 1\n');
    expect(server.address.host).toBe('127.0.0.1');
    expect(server.address.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.address.port}/metrics`);
    const answer = await fetch(server.url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('version=0.0.4');
    expect(await answer.text()).toBe('mtls_chaos_x 1\n');
    expect((await fetch(`http://127.0.0.1:${server.address.port}/`)).status).toBe(404);
    expect(server.scrapes).toBe(1);
  });

  it('awaitNextScrape: no wait when nothing ever scraped', async () => {
    const server = await listener(async () => '');
    const started = performance.now();
    expect(await server.awaitNextScrape()).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('awaitNextScrape: resolves once a scrape that began after the call has been answered, with the newest value', async () => {
    let value = 1;
    const served: number[] = [];
    const server = await listener(async () => {
      served.push(value);
      return `mtls_chaos_x ${value}\n`;
    });
    // A scraper every 200 ms, as Prometheus with a short scrape_interval.
    const scraper = setInterval(() => void fetch(server.url).then((answer) => answer.text()), 200);
    onTestFinished(() => clearInterval(scraper));
    while (server.scrapes < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    value = 2; // the run's last numbers
    expect(await server.awaitNextScrape()).toBe(true);
    // The scrape that woke us served the last numbers (the server answered it before waking us).
    expect(served.at(-1)).toBe(2);
  });

  it('awaitNextScrape gives up after two scrape intervals plus slack when the scraper went away', async () => {
    const server = await listener(async () => '');
    await fetch(server.url);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await fetch(server.url);
    const started = performance.now();
    expect(await server.awaitNextScrape()).toBe(false);
    const waitedMs = performance.now() - started;
    // Interval ~100 ms (longer on a busy machine): 2 x interval + 3 s.
    expect(waitedMs).toBeGreaterThan(3_000);
    expect(waitedMs).toBeLessThan(6_000);
  });

  it('refuses a port already taken with E_METRICS_LISTEN', async () => {
    const first = await listener(async () => '');
    await expect(startMetricsListener(first.address, async () => '', 'text/plain')).rejects.toMatchObject({ code: 'E_METRICS_LISTEN' });
  });
});
