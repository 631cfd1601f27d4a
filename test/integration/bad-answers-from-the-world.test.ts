import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { processGroupMembers } from '../../src/lab/child-process-supervisor.js';
import { RunRegistry, startNginxGateway, type StartedGateway } from '../../src/lab/index.js';
import { probe, type ProbeResult } from '../../src/load/index.js';
import { ERROR_CATEGORIES } from '../../src/metrics/index.js';
import { buildLabPki, type LabPki } from '../../src/pki/index.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';
import {
  startGarbageServer,
  startMalformedOcspResponder,
  startMidHandshakeResetServer,
  startPlainHttpServer,
  startRawTlsServer,
} from '../support/hostile-servers.js';
import { startTestLab } from '../support/test-lab.js';

/**
 * Bad answers from the world: each ends in a categorized failure (a stable category, the raw
 * code kept) or a clear error, within the attempt's timeout, never a crash or a hang.
 */
const TIMEOUT_MS = 1_500;
let pki: LabPki;

beforeAll(async () => {
  pki = await buildLabPki({ clients: 1 });
});

async function probeOf(url: string): Promise<ProbeResult & { elapsedMs: number }> {
  const client = pki.clients[0]!;
  const started = performance.now();
  const result = await probe(url, { certPem: client.chainPem, keyPem: client.keyPem, caPem: pki.root.certificate.pem, servername: 'localhost', timeoutMs: TIMEOUT_MS });
  return { ...result, elapsedMs: performance.now() - started };
}

function expectCategorized(result: ProbeResult & { elapsedMs: number }, categories: readonly string[]): void {
  expect(ERROR_CATEGORIES).toContain(result.category);
  expect(categories, `got ${result.category} (${result.rawCode})`).toContain(result.category);
  expect(result.rawCode, 'the raw code is kept for diagnosis').toBeTruthy();
  expect(result.elapsedMs).toBeLessThan(TIMEOUT_MS + 3_000);
}

describe('a gateway that answers badly', () => {
  it('garbage bytes instead of TLS: a TLS-level failure, not a crash', async () => {
    const server = await startGarbageServer();
    expectCategorized(await probeOf(server.url), ['tls_policy', 'other', 'connection_reset']);
  });

  it('a port taken by another program (plain HTTP): the same, and the raw code says why', async () => {
    const server = await startPlainHttpServer();
    const result = await probeOf(server.url);
    expectCategorized(result, ['tls_policy', 'other', 'connection_reset']);
    expect(result.rawCode).toMatch(/WRONG_VERSION_NUMBER|PACKET_LENGTH|RECORD|SSL/i);
  });

  it('a reset in the middle of the handshake: connection_reset', async () => {
    const server = await startMidHandshakeResetServer();
    expectCategorized(await probeOf(server.url), ['connection_reset']);
  });

  it('a handshake, then silence: handshake_timeout after the attempt timeout, not a hang', async () => {
    const server = await startRawTlsServer({ server: pki.servers[0]!, clientCaPem: pki.root.certificate.pem, answer: () => undefined });
    const result = await probeOf(server.url);
    expectCategorized(result, ['handshake_timeout']);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  it('an HTTP/0.9 answer (a body without a status line): http_error or other, with the parser code', async () => {
    const server = await startRawTlsServer({ server: pki.servers[0]!, clientCaPem: pki.root.certificate.pem, answer: (socket) => socket.end('hello, this is not HTTP/1.1\n') });
    expectCategorized(await probeOf(server.url), ['http_error', 'other', 'connection_reset']);
  });

  it('a 10 MB body: the attempt ends without buffering it all or hanging', async () => {
    const body = Buffer.alloc(10 * 1024 * 1024, 0x61);
    const server = await startRawTlsServer({
      server: pki.servers[0]!,
      clientCaPem: pki.root.certificate.pem,
      answer: (socket) => {
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`);
        socket.end(body);
      },
    });
    const heapBefore = process.memoryUsage().heapUsed;
    const result = await probeOf(server.url);
    expect(result.elapsedMs).toBeLessThan(TIMEOUT_MS + 3_000);
    expect(['ok', 'handshake_timeout', 'http_error']).toContain(result.category);
    // Not held in memory as a whole (10 MB would show here; some slack for GC timing).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('an OCSP responder that sends malformed DER', () => {
  let certs: GatewayTestPki;
  beforeAll(async () => {
    certs = await buildGatewayTestPki();
  });

  const MALFORMED: { name: string; body: Buffer }[] = [
    { name: 'a SEQUENCE whose length runs past the end', body: Buffer.from([0x30, 0x82, 0xff, 0xff, 0x0a, 0x01, 0x00]) },
    { name: 'a truncated OCSPResponse (status successful, no body)', body: Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x00]) },
    { name: '2,000 nested SEQUENCEs', body: Buffer.concat([...Array.from({ length: 2_000 }, () => Buffer.from([0x30, 0x80])), Buffer.alloc(4_000)]) },
    { name: 'random bytes', body: Buffer.from(Array.from({ length: 512 }, (_, index) => (index * 7919) % 256)) },
  ];

  async function gatewayAsking(mode: 'hard-fail' | 'soft-fail', responderUrl: string): Promise<StartedGateway> {
    const { lab } = await startTestLab({ gateway: { kind: 'node', ocsp: { mode, cacheTtlMs: 0, timeoutMs: 1_000, responderUrl } } }, certs.pki);
    return lab.gateway;
  }

  async function categoryAt(gateway: StartedGateway): Promise<string> {
    const result = await probe(`https://${gateway.host}:${gateway.port}/`, {
      certPem: certs.good.chainPem,
      keyPem: certs.good.keyPem,
      caPem: gateway.caPem,
      servername: gateway.servername,
      timeoutMs: 5_000,
    });
    return result.category;
  }

  it.each(MALFORMED)('$name: the node gateway fails closed in hard-fail, lets in in soft-fail, and keeps running', async ({ body }) => {
    const responder = await startMalformedOcspResponder(body);
    const hard = await gatewayAsking('hard-fail', responder.url);
    const soft = await gatewayAsking('soft-fail', responder.url);
    expect(await categoryAt(hard)).toBe('ocsp_unavailable');
    expect(await categoryAt(soft)).toBe('ok');
    // Still alive and answering after the bad answers.
    expect(hard.pids().length).toBeGreaterThan(0);
    expect(await categoryAt(hard)).toBe('ocsp_unavailable');
    expect(await categoryAt(soft)).toBe('ok');
  });
});

describe('nginx that cannot start', () => {
  it('a key file nginx cannot load: E_LAB_START quoting nginx, nothing left running', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-nginx-broken-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const badKey = join(dir, 'broken.key.pem');
    await writeFile(badKey, '-----BEGIN EC PARAMETERS-----\nnot base64 at all\n-----END EC PARAMETERS-----\n', { mode: 0o600 });
    const chain = join(dir, 'chain.pem');
    await writeFile(chain, pki.servers[0]!.chainPem);
    const bundle = join(dir, 'bundle.pem');
    await writeFile(bundle, pki.root.certificate.pem);
    const registry = new RunRegistry('nginx-broken-test', join(dir, 'runs'));
    const started = performance.now();
    const error = await startNginxGateway({
      name: 'gateway-nginx',
      dir: join(dir, 'nginx'),
      files: { certificateChain: chain, key: badKey, trustBundle: bundle },
      caPem: pki.root.certificate.pem,
      signal: AbortSignal.timeout(30_000),
      registry,
      readyTimeoutMs: 10_000,
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'E_LAB_START' });
    expect((error as Error).message).toMatch(/gateway-nginx .*exited before it was ready/);
    expect((error as Error).message).toMatch(/cannot load certificate key|PEM|key/i);
    expect(performance.now() - started).toBeLessThan(10_000);
    // Every process it started is gone, by the registry.
    expect(registry.content().processes.flatMap((entry) => processGroupMembers(entry.pgid))).toEqual([]);
  });
});
