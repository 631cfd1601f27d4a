import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type StartedFaultProxy } from '../../src/lab/index.js';
import { isAlive } from '../support/processes.js';

/** Sends `text` through the proxy and resolves with the echo, or the error code, or 'silence' after `waitMs`. */
function roundTrip(port: number, text: string, waitMs = 1_500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received ? `partial:${received}` : 'silence');
    }, waitMs);
    const done = (value: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.length >= text.length) done(received);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

let echo: Server;
const echoSockets = new Set<import('node:net').Socket>();
let echoPort: number;
let dir: string;
let proxy: StartedFaultProxy | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-fault-proxy-'));
  echo = createServer((socket) => {
    echoSockets.add(socket);
    // The proxy resets its upstream on a reset toxic: expected here, not an error of the test.
    socket.on('error', () => {});
    socket.on('close', () => echoSockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as { port: number }).port;
  proxy = await startFaultProxy({ name: 'proxy-test', link: 'client-gateway', upstream: { host: '127.0.0.1', port: echoPort }, dir, signal: AbortSignal.timeout(20_000) });
});

afterEach(async () => {
  const pids = proxy?.pids() ?? [];
  await proxy?.stop();
  for (const pid of pids) expect(isAlive(pid)).toBe(false);
  for (const socket of echoSockets) socket.destroy();
  await new Promise((resolve) => echo.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('fault proxy toxics', () => {
  it('forwards untouched, and again after each toxic is removed', async () => {
    const port = proxy!.port;
    expect(await roundTrip(port, 'hello')).toBe('hello');
    for (const toxic of [{ kind: 'reset' }, { kind: 'blackhole' }, { kind: 'partition', mode: 'refuse' }] as const) {
      await proxy!.setToxic(toxic);
      await proxy!.setToxic(undefined);
      expect(await roundTrip(port, 'again')).toBe('again');
    }
  });

  it('reset: new connections get a TCP RST', async () => {
    await proxy!.setToxic({ kind: 'reset' });
    expect(await roundTrip(proxy!.port, 'x')).toBe('ECONNRESET');
  });

  it('reset: open connections are reset too', async () => {
    const socket = connect({ host: '127.0.0.1', port: proxy!.port });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('warm');
    await new Promise((resolve) => socket.once('data', resolve));
    const closed = new Promise<string>((resolve) => socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? '')));
    await proxy!.setToxic({ kind: 'reset' });
    expect(await closed).toBe('ECONNRESET');
  });

  it('blackhole: accepted, never forwarded, nothing comes back', async () => {
    await proxy!.setToxic({ kind: 'blackhole' });
    expect(await roundTrip(proxy!.port, 'lost', 500)).toBe('silence');
    expect((await proxy!.stats()).dropped).toBeGreaterThan(0);
  });

  it('partition refuse: nothing listens (ECONNREFUSED) until the heal, on the same port', async () => {
    await proxy!.setToxic({ kind: 'partition', mode: 'refuse' });
    expect(await roundTrip(proxy!.port, 'x')).toBe('ECONNREFUSED');
    await proxy!.setToxic(undefined);
    expect(await roundTrip(proxy!.port, 'back')).toBe('back');
  });

  it('latency: the round trip takes two delays, bytes intact and in order', async () => {
    await proxy!.setToxic({ kind: 'latency', latencyMs: 150, jitterMs: 50 });
    const text = 'abcdefghijklmnopqrstuvwxyz'.repeat(200);
    const started = performance.now();
    expect(await roundTrip(proxy!.port, text, 3_000)).toBe(text);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('bandwidth: 2,000 B each way at 10,000 B/s takes about 0.4 s', async () => {
    await proxy!.setToxic({ kind: 'bandwidth', bytesPerSecond: 10_000 });
    const text = 'x'.repeat(2_000);
    const started = performance.now();
    expect(await roundTrip(proxy!.port, text, 3_000)).toBe(text);
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
  });
});
