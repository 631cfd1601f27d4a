/**
 * Process entry of the TLS terminator: a TLS-offloading front on 127.0.0.1, like a load balancer
 * that ends TLS at the edge, in the path from clients to the gateway. It starts in passthrough
 * (TCP bytes relayed untouched to the gateway's TLS port: mTLS end to end). In terminate mode it
 * ends each client's TLS itself, with the gateway's certificate, asking for a client certificate
 * and verifying it against the lab trust bundle, and forwards each request as plain HTTP to the
 * gateway's backend listener: with the client's certificate chain in a signed x-ssl-client-cert
 * header (forwardClientCert) or without any identity.
 *
 * A client certificate the terminator itself cannot verify is answered here (495 and the
 * category in x-mtls-chaos-reason, as the gateway would): forwarding it would only hand the
 * backend an identity it must refuse anyway. Switching modes resets the connections of the
 * other mode, so every attempt of a fault window went through the mode of that window (see
 * interceptor-process.ts). Forked by components/tls-terminator.ts; config file path in argv[2].
 */
import type { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as connectTcp, createServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { signedIdentityHeaders, CLIENT_CERT_HEADER, CLIENT_CERT_SIGNATURE_HEADER } from '../forwarded-identity.js';
import { REASON_HEADER } from '../gateway-headers.js';
import { reportReady, serveParentRequests } from '../ipc.js';
import { categoryOfVerifyCode } from '../verify-error-category.js';
import type { TlsTerminatorProcessConfig } from './tls-terminator-config.js';

type Mode = 'passthrough' | 'terminate';

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as TlsTerminatorProcessConfig;
const secret = readFileSync(config.identitySecretFile, 'utf8').trim();
let mode: Mode = 'passthrough';
let forwardClientCert = false;
const upstreamHost = config.upstreamHost ?? '127.0.0.1';
const counters = { passedThrough: 0, terminated: 0, forwardedWithIdentity: 0, forwardedWithoutIdentity: 0, refusedHere: 0, backendFailures: 0, resetAtSwitch: 0 };
const passthrough = new Set<Socket>();
const terminated = new Set<Socket>();
const backendAgent = new Agent({ keepAlive: true, maxSockets: 256 });
/** Intermediates seen in full handshakes, by issuer name: a resumed session carries only the leaf. */
const intermediatesByIssuer = new Map<string, string>();

function log(line: string): void {
  console.log(`${new Date().toISOString()} ${config.name}: ${line}`);
}

function passThrough(client: Socket): void {
  counters.passedThrough++;
  passthrough.add(client);
  const upstream = connectTcp({ host: upstreamHost, port: config.upstreamPort });
  const closeBoth = () => {
    client.destroy();
    upstream.destroy();
    passthrough.delete(client);
  };
  for (const socket of [client, upstream]) {
    socket.on('error', closeBoth);
    socket.on('close', closeBoth);
  }
  client.pipe(upstream);
  upstream.pipe(client);
}

const tlsServer = createHttpsServer(
  {
    cert: readFileSync(config.certificateChainFile, 'utf8'),
    key: readFileSync(config.keyFile, 'utf8'),
    ca: readFileSync(config.trustBundleFile, 'utf8'),
    requestCert: true,
    // As the gateway: decide from authorizationError and answer in HTTP, so the client learns why.
    rejectUnauthorized: false,
  },
  (request, response) => forward(request, response),
);
tlsServer.keepAliveTimeout = 30_000;

/** The client's chain as it sent it (leaf first, without the self-signed root). */
function chainPemOf(peer: X509Certificate): string {
  let pem = peer.toString();
  let current = peer;
  const seen = new Set([peer.fingerprint256]);
  while (current.issuerCertificate && !seen.has(current.issuerCertificate.fingerprint256)) {
    const issuer = current.issuerCertificate;
    seen.add(issuer.fingerprint256);
    if (issuer.subject === issuer.issuer) break;
    pem += issuer.toString();
    intermediatesByIssuer.set(current.issuer, issuer.toString());
    current = issuer;
  }
  if (current === peer) pem += intermediatesByIssuer.get(peer.issuer) ?? '';
  return pem;
}

/** Answers here; `category` goes in the reason header when it is one (a 502 has none: http_error). */
function refuse(response: ServerResponse, status: number, category: string | undefined, detail: string): void {
  counters.refusedHere++;
  const body = `${category ?? 'bad gateway'}: ${detail}\n`;
  response.writeHead(status, { ...(category ? { [REASON_HEADER]: category } : {}), 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  response.end(body);
}

function forward(request: IncomingMessage, response: ServerResponse): void {
  const socket = request.socket as TLSSocket;
  const peer = socket.getPeerX509Certificate();
  if (peer && !socket.authorized) {
    const code = String(socket.authorizationError ?? 'UNKNOWN');
    request.resume();
    refuse(response, 495, categoryOfVerifyCode(code), code);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    // Whatever identity headers the client sent itself are never passed on.
    if (value === undefined || name === CLIENT_CERT_HEADER || name === CLIENT_CERT_SIGNATURE_HEADER || name === 'connection') continue;
    headers[name] = value;
  }
  if (forwardClientCert && peer) {
    Object.assign(headers, signedIdentityHeaders(chainPemOf(peer), secret));
    counters.forwardedWithIdentity++;
  } else {
    counters.forwardedWithoutIdentity++;
  }
  const upstream = httpRequest(
    { host: upstreamHost, port: config.backendPort, method: request.method, path: request.url, headers, agent: backendAgent },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', (error) => {
    counters.backendFailures++;
    if (!response.headersSent) refuse(response, 502, undefined, `backend: ${error.message}`);
    else response.destroy();
  });
  request.pipe(upstream);
}

const server = createServer((socket) => {
  socket.setNoDelay(true);
  if (mode === 'terminate') {
    counters.terminated++;
    terminated.add(socket);
    socket.once('close', () => terminated.delete(socket));
    tlsServer.emit('connection', socket);
  } else {
    passThrough(socket);
  }
});

function setMode(next: Mode, forward: boolean): { mode: Mode; forwardClientCert: boolean } {
  const changed = next !== mode || (next === 'terminate' && forward !== forwardClientCert);
  mode = next;
  forwardClientCert = next === 'terminate' && forward;
  if (changed) {
    const stale = next === 'terminate' ? [...passthrough, ...terminated] : [...terminated];
    for (const socket of stale) {
      counters.resetAtSwitch++;
      socket.resetAndDestroy();
    }
    log(`mode ${next}${next === 'terminate' ? ` (forwardClientCert ${forwardClientCert})` : ''} (${JSON.stringify(counters)})`);
  }
  return { mode, forwardClientCert };
}

serveParentRequests({
  setMode: (payload) => {
    const { mode: next, forwardClientCert: forward } = (payload ?? {}) as { mode?: string; forwardClientCert?: boolean };
    return setMode(next === 'terminate' ? 'terminate' : 'passthrough', forward === true);
  },
  stats: () => ({ mode, forwardClientCert, ...counters, open: passthrough.size + terminated.size }),
});

server.listen(config.bind?.port ?? 0, config.bind?.host ?? '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') {
    log(`listening on ${address.address}:${address.port} in front of ${upstreamHost}:${config.upstreamPort} (passthrough), backend ${upstreamHost}:${config.backendPort}`);
    reportReady(address.port);
  }
});

process.on('SIGTERM', () => {
  server.close();
  for (const socket of [...passthrough, ...terminated]) socket.destroy();
  process.exit(0);
});
