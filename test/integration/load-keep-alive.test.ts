import { beforeAll, describe, expect, it } from 'vitest';
import { runKeepAliveLoad } from '../../src/load/index.js';
import { MtlsChaosError } from '../../src/errors.js';
import { buildLabPki, CertificateAuthority, type LabPki } from '../../src/pki/index.js';
import { closeAfterTest, startHttpsServer } from '../support/load-test-servers.js';

let pki: LabPki;

beforeAll(async () => {
  pki = await buildLabPki({ clients: 1 });
});

describe('keep-alive request load over mTLS (autocannon)', () => {
  it('measures requests per second and latency percentiles on established mTLS connections', async () => {
    const authorised: string[] = [];
    const server = await closeAfterTest(startHttpsServer({
      server: pki.servers[0]!,
      clientCaPem: pki.root.certificate.pem,
      respond: (socket) => {
        authorised.push(socket.authorized ? socket.getPeerCertificate().subject.CN as string : 'unauthorised');
        return { status: 200 };
      },
    }));
    const client = pki.clients[0]!;
    const result = await runKeepAliveLoad({
      url: server.url,
      identity: { name: client.name, certPem: client.chainPem, keyPem: client.keyPem },
      caPem: pki.root.certificate.pem,
      connections: 4,
      durationMs: 2_000,
    });
    // Keep-alive: several requests per connection (hundreds per second on a quiet machine; at load
    // average 28 on 2 cores it made 8 in a second, so the floor is relative to the 4 connections).
    expect(result.requests).toBeGreaterThan(4 * 4);
    // requests/s is the count over the 2 s run, not a figure of its own.
    expect(result.requestsPerSecond).toBeGreaterThan((result.requests / 2) * 0.7);
    expect(result.requestsPerSecond).toBeLessThan((result.requests / 2) * 1.3);
    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result.latency.count).toBe(result.requests);
    expect(result.latency.p50).toBeGreaterThan(0);
    expect(result.latency.p50).toBeLessThanOrEqual(result.latency.p95);
    expect(result.latency.p95).toBeLessThanOrEqual(result.latency.p99);
    expect(result.latency.p99).toBeLessThanOrEqual(result.latency.max);
    // Every request was made by the client certificate, verified by the server.
    expect(new Set(authorised)).toEqual(new Set(['client-1']));
  });

  it('refuses to load a server it cannot verify (autocannon itself does not verify)', async () => {
    const impostor = CertificateAuthority.createRoot({ subject: 'Impostor' }).issueServer({ subject: 'impostor', ipAddresses: ['127.0.0.1'] });
    const server = await closeAfterTest(startHttpsServer({ server: impostor, clientCaPem: pki.root.certificate.pem }));
    const client = pki.clients[0]!;
    const run = runKeepAliveLoad({
      url: server.url,
      identity: { name: client.name, certPem: client.chainPem, keyPem: client.keyPem },
      caPem: pki.root.certificate.pem,
      connections: 1,
      durationMs: 500,
    });
    await expect(run).rejects.toBeInstanceOf(MtlsChaosError);
    await expect(run).rejects.toMatchObject({ code: 'E_LOAD_PREFLIGHT' });
  });
});
