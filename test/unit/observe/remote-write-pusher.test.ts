import { createServer } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { pickFreePort } from '../../../src/lab/free-port.js';
import { RunMetrics, startRemoteWritePusher } from '../../../src/observe/index.js';

/** A receiver that answers every push with `status`, on loopback. */
async function receiver(status: number): Promise<{ url: URL; requests: { headers: Record<string, string | string[] | undefined> }[] }> {
  const requests: { headers: Record<string, string | string[] | undefined> }[] = [];
  const server = createServer((request, response) => {
    requests.push({ headers: request.headers });
    request.resume();
    request.on('end', () => response.writeHead(status).end(status >= 300 ? 'out of order\n' : ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address() as { port: number };
  return { url: new URL(`http://127.0.0.1:${address.port}/api/v1/write`), requests };
}

describe('remote-write pusher', () => {
  it('pushes snappy-compressed protobuf at once, on its interval and once more on stop', async () => {
    const target = await receiver(204);
    const pusher = startRemoteWritePusher({ url: target.url, registry: new RunMetrics().registry, intervalMs: 100, warn: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 350));
    await pusher.stop();
    await pusher.stop();
    expect(pusher.pushed).toBeGreaterThanOrEqual(3);
    expect(target.requests).toHaveLength(pusher.pushed);
    expect(target.requests[0]?.headers).toMatchObject({ 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' });
  });

  it('a refusing receiver gives one warning, however many pushes fail, and never throws', async () => {
    const target = await receiver(500);
    const warnings: string[] = [];
    const pusher = startRemoteWritePusher({ url: target.url, registry: new RunMetrics().registry, intervalMs: 50, warn: (line) => warnings.push(line) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pusher.stop();
    expect(target.requests.length).toBeGreaterThanOrEqual(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/--prometheus-rw .*: push failed \(HTTP 500/);
    expect(pusher.pushed).toBe(0);
  });

  it('credentials in the URL go as basic auth, never into a warning', async () => {
    const target = await receiver(401);
    const warnings: string[] = [];
    const url = new URL(target.url.href);
    url.username = 'ci';
    url.password = 's3cret';
    const pusher = startRemoteWritePusher({ url, registry: new RunMetrics().registry, intervalMs: 60_000, warn: (line) => warnings.push(line) });
    await pusher.stop();
    expect(target.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('ci:s3cret').toString('base64')}`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('HTTP 401');
    expect(warnings[0]).not.toContain('s3cret');
  });

  it('nothing listening: one warning, stop still returns', async () => {
    const warnings: string[] = [];
    // A port free a moment ago: connection refused (port 1 would be refused by fetch itself, a "bad port").
    const port = await pickFreePort();
    const pusher = startRemoteWritePusher({ url: new URL(`http://127.0.0.1:${port}/api/v1/write`), registry: new RunMetrics().registry, intervalMs: 50, warn: (line) => warnings.push(line) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await pusher.stop();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('push failed (ECONNREFUSED)');
  });
});
