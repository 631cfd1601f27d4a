import { createServer } from 'node:http';
import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { alertsOfRun, judgeAlerts } from '../../../src/observe/index.js';

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An HTTP server answering every request with `status` and `body`, like a Prometheus refusing a query. */
async function answering(status: number, body: string): Promise<string> {
  const server = createServer((_request, response) => response.writeHead(status, { 'content-type': 'application/json' }).end(body)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const range = { loadStartEpochMs: 1_700_000_000_000, endEpochMs: 1_700_000_030_000 };

describe('alerts of a run when Prometheus cannot answer', () => {
  it('judgeAlerts throws E_PROMETHEUS_QUERY naming the URL and the API path', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    await expect(judgeAlerts({ prometheusUrl: url, ...range })).rejects.toMatchObject({
      code: 'E_PROMETHEUS_QUERY',
      message: expect.stringMatching(new RegExp(`^Prometheus at ${url} did not answer /api/v1/rules: .*ECONNREFUSED`)),
    });
    const refusing = await answering(400, JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'exceeded maximum resolution of 11,000 points per timeseries' }));
    await expect(judgeAlerts({ prometheusUrl: refusing, ...range })).rejects.toMatchObject({ message: expect.stringMatching(/HTTP 400: exceeded maximum resolution/) });
  });

  it('alertsOfRun turns that into a warning and no alerts, so the alert SLOs fail with no evidence', async () => {
    const outcome = await alertsOfRun({ prometheusUrl: await answering(502, '<html>bad gateway</html>'), ...range });
    expect(outcome.alerts).toBeUndefined();
    expect(outcome.warning).toMatchObject({ code: 'ALERTS_UNREAD', message: expect.stringMatching(/HTTP 502, and the body is not JSON/) });
  });
});
