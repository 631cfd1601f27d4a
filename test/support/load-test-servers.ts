import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type tls from 'node:tls';
import { onTestFinished } from 'vitest';
import { pickFreePort } from '../../src/lab/free-port.js';
import type { Credential } from '../../src/pki/index.js';

/** A server started by a test; close() is idempotent and ends every open connection. */
export interface TestServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Waits for a server a test starts and closes it when that test finishes, passed or failed. */
export async function closeAfterTest<T extends TestServer>(server: Promise<T>): Promise<T> {
  const value = await server;
  onTestFinished(() => value.close());
  return value;
}

export interface HttpsServerOptions {
  readonly server: Credential;
  /** PEM the server trusts for client certificates. */
  readonly clientCaPem: string;
  /** Answer with (status, headers); default 200. */
  readonly respond?: (socket: tls.TLSSocket) => { status: number; headers?: Record<string, string>; body?: string };
  readonly rejectUnauthorized?: boolean;
  readonly maxVersion?: tls.SecureVersion;
  /** Hold every request forever (a gateway that accepts and stalls). */
  readonly stall?: boolean;
  /** Answer each request after this long (a slow gateway). */
  readonly delayMs?: number;
}

/** A Node https server with requestCert on 127.0.0.1:0. */
export async function startHttpsServer(options: HttpsServerOptions): Promise<TestServer & { server: https.Server }> {
  const server = https.createServer(
    {
      cert: options.server.chainPem,
      key: options.server.keyPem,
      ca: options.clientCaPem,
      requestCert: true,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
    },
    (request, response) => {
      if (options.stall) return;
      const answer = options.respond?.(request.socket as tls.TLSSocket) ?? { status: 200 };
      const send = () => {
        response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        response.end(answer.body ?? 'ok\n');
      };
      if (options.delayMs) setTimeout(send, options.delayMs);
      else send();
    },
  );
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    server,
    port,
    url: `https://127.0.0.1:${port}/`,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** Accepts TCP connections and never sends a byte: a blackholed peer. */
export async function startBlackhole(): Promise<TestServer & { connections: () => number }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return listenPlain(server, sockets, () => accepted);
}

/** Accepts TCP connections and resets them (RST) as soon as the ClientHello arrives. */
export async function startResetServer(): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => socket.resetAndDestroy());
    socket.on('close', () => sockets.delete(socket));
  });
  return listenPlain(server, sockets, () => 0);
}

async function listenPlain(server: net.Server, sockets: Set<net.Socket>, accepted: () => number) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    port,
    url: `https://127.0.0.1:${port}/`,
    connections: accepted,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })),
  };
}

/**
 * `openssl s_server -verify_return_error`: refuses a client certificate with the TLS alert that
 * names the reason, as HAProxy does (docs/ARCHITECTURE.md, "How gateways refuse a client certificate"), under TLS 1.2 or 1.3.
 */
export async function startAlertServer(options: {
  readonly server: Credential;
  readonly clientCaPem: string;
  readonly version: 'tls1_2' | 'tls1_3';
}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-sserver-'));
  await writeFile(join(dir, 'server.pem'), options.server.certificate.pem);
  await writeFile(join(dir, 'chain.pem'), options.server.intermediates.map((certificate) => certificate.pem).join(''));
  await writeFile(join(dir, 'server.key'), options.server.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'ca.pem'), options.clientCaPem);
  const port = await pickFreePort();
  const child = spawn(
    'openssl',
    [
      's_server', '-accept', `127.0.0.1:${port}`, '-naccept', '1000',
      '-cert', join(dir, 'server.pem'), '-cert_chain', join(dir, 'chain.pem'), '-key', join(dir, 'server.key'),
      '-CAfile', join(dir, 'ca.pem'), '-Verify', '3', '-verify_return_error', '-www', '-quiet', `-${options.version}`,
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    })());
  const deadline = Date.now() + 10_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      await close();
      throw new Error(`openssl s_server did not listen on ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, url: `https://127.0.0.1:${port}/`, close };
}
