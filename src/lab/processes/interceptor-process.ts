/**
 * Process entry of the interceptor: a transparent TLS man-in-the-middle on 127.0.0.1, like a
 * corporate inspection proxy, in the path from clients to the gateway. It starts in passthrough
 * (TCP bytes relayed untouched: TLS is end to end and the client's certificate reaches the
 * gateway). In intercept mode it terminates the client's TLS with a certificate for the gateway's
 * name issued by its own CA, opens its own TLS connection to the gateway and relays the HTTP bytes.
 *
 * It cannot present the client's certificate upstream: it never has the client's private key,
 * and a client's CertificateVerify signs that handshake's transcript, not the interceptor's
 * handshake with the gateway (RFC 8446 4.4.3). So the gateway sees a client without a
 * certificate and must refuse it; a client that does not trust the interception CA must refuse
 * the interceptor first.
 *
 * Switching to intercept resets the connections still relayed in passthrough: an attempt that
 * began before the switch would otherwise finish inside the fault window with the gateway's
 * answer to an un-intercepted connection, and "no intercepted attempt got through" could not
 * be measured exactly. Forked by components/interceptor.ts; config file path in argv[2].
 */
import { readFileSync } from 'node:fs';
import { connect as connectTcp, createServer, type Socket } from 'node:net';
import { connect as connectTls, createSecureContext, TLSSocket } from 'node:tls';
import { reportReady, serveParentRequests } from '../ipc.js';
import type { InterceptorProcessConfig } from './interceptor-config.js';

type Mode = 'passthrough' | 'intercept';

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as InterceptorProcessConfig;
const upstreamCa = readFileSync(config.upstreamCaFile, 'utf8');
const upstreamHost = config.upstreamHost ?? '127.0.0.1';
const secureContext = createSecureContext({
  cert: readFileSync(config.certificateChainFile, 'utf8'),
  key: readFileSync(config.keyFile, 'utf8'),
});
let mode: Mode = 'passthrough';
const counters = { passedThrough: 0, intercepted: 0, clientHandshakeFailures: 0, upstreamFailures: 0, resetAtSwitch: 0 };
const passthrough = new Set<Socket>();
const open = new Set<Socket>();

function log(line: string): void {
  console.log(`${new Date().toISOString()} ${config.name}: ${line}`);
}

function relay(client: Socket, upstream: Socket, onUpstreamError: () => void): void {
  open.add(client);
  open.add(upstream);
  const closeBoth = () => {
    client.destroy();
    upstream.destroy();
    open.delete(client);
    open.delete(upstream);
    passthrough.delete(client);
  };
  upstream.on('error', () => {
    onUpstreamError();
    closeBoth();
  });
  client.on('error', closeBoth);
  client.on('close', closeBoth);
  upstream.on('close', closeBoth);
  client.pipe(upstream);
  upstream.pipe(client);
}

function passThrough(client: Socket): void {
  counters.passedThrough++;
  passthrough.add(client);
  relay(client, connectTcp({ host: upstreamHost, port: config.upstreamPort }), () => {});
}

function intercept(raw: Socket): void {
  // requestCert false: an inspection proxy does not ask for client certificates; it could not forward them.
  const client = new TLSSocket(raw, { isServer: true, secureContext, requestCert: false });
  open.add(raw);
  client.on('error', () => {
    // The client refused our certificate (unknown_ca on its side) or went away mid-handshake.
    counters.clientHandshakeFailures++;
    client.destroy();
    open.delete(raw);
  });
  client.once('secure', () => {
    counters.intercepted++;
    open.delete(raw);
    const upstream = connectTls({
      host: upstreamHost,
      port: config.upstreamPort,
      servername: config.upstreamServername,
      ca: upstreamCa,
      // No cert/key: the one thing an interceptor cannot forward is the client's identity.
    });
    relay(client, upstream, () => counters.upstreamFailures++);
  });
}

const server = createServer((socket) => {
  socket.setNoDelay(true);
  if (mode === 'intercept') intercept(socket);
  else passThrough(socket);
});

function setMode(next: Mode): { mode: Mode } {
  if (next !== mode) {
    mode = next;
    if (next === 'intercept') {
      for (const socket of [...passthrough]) {
        counters.resetAtSwitch++;
        socket.resetAndDestroy();
      }
    }
    log(`mode ${next} (${JSON.stringify(counters)})`);
  }
  return { mode };
}

serveParentRequests({
  setMode: (payload) => setMode(payload === 'intercept' ? 'intercept' : 'passthrough'),
  stats: () => ({ mode, ...counters, open: open.size }),
});

server.listen(config.bind?.port ?? 0, config.bind?.host ?? '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') {
    log(`listening on ${address.address}:${address.port} in front of ${upstreamHost}:${config.upstreamPort} (passthrough)`);
    reportReady(address.port);
  }
});

process.on('SIGTERM', () => {
  server.close();
  for (const socket of open) socket.destroy();
  process.exit(0);
});
