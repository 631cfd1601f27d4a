import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { onTestFinished } from 'vitest';
import type { Credential } from '../../src/pki/index.js';

/**
 * Servers that answer badly, on 127.0.0.1:0, each closed when the test that started it finishes:
 * what a broken gateway, a wrong port or a broken OCSP responder sends. In the spirit of
 * autocannon's test helpers (slow and never-answering servers).
 */
export interface HostileServer {
  readonly port: number;
  readonly url: string;
}

async function listen(server: net.Server, scheme: 'https' | 'http'): Promise<HostileServer> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { port, url: `${scheme}://127.0.0.1:${port}/` };
}

/** Answers a TLS ClientHello with bytes that are not TLS (another program on the port). */
export function startGarbageServer(): Promise<HostileServer> {
  const server = net.createServer((socket) => {
    socket.once('data', () => socket.end(Buffer.from('\x00\xff garbage \x13\x37 not a TLS record at all \r\n\r\n'.repeat(20), 'latin1')));
  });
  return listen(server, 'https');
}

/** A plain HTTP server on the port the load was pointed at (a port taken by another program). */
export function startPlainHttpServer(): Promise<HostileServer> {
  const server = http.createServer((_request, response) => response.end('plain http\n'));
  return listen(server, 'https');
}

/** Starts a TLS handshake (a ServerHello record header and half its body), then resets. */
export function startMidHandshakeResetServer(): Promise<HostileServer> {
  const server = net.createServer((socket) => {
    socket.once('data', () => {
      // handshake record, TLS 1.2, length 90; ServerHello (2), length 86; then only 10 bytes of it
      socket.write(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x5a, 0x02, 0x00, 0x00, 0x56, 0x03, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
      setTimeout(() => socket.resetAndDestroy(), 50);
    });
  });
  return listen(server, 'https');
}

/** A real mTLS server (it completes the handshake) whose answer is `answer(socket)`, raw bytes. */
export function startRawTlsServer(options: {
  readonly server: Credential;
  readonly clientCaPem: string;
  readonly answer: (socket: tls.TLSSocket) => void;
}): Promise<HostileServer> {
  const server = tls.createServer(
    { cert: options.server.chainPem, key: options.server.keyPem, ca: options.clientCaPem, requestCert: true, rejectUnauthorized: false },
    (socket) => {
      socket.on('error', () => {});
      socket.once('data', () => options.answer(socket));
    },
  );
  server.on('tlsClientError', () => {});
  return listen(server, 'https');
}

/** An OCSP responder over HTTP that answers every request with `body` (malformed DER). */
export function startMalformedOcspResponder(body: Buffer): Promise<HostileServer> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': body.length }).end(body));
  });
  return listen(server, 'http');
}
