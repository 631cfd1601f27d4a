/**
 * A mutual-TLS front whose capacity is known by construction: a token bucket admits exactly
 * `rate` new connections per second (bucket of a tenth of a second's worth, at least 3) and
 * resets the rest at accept, before any TLS. Run as its own process so that its CPU is its own
 * (bench reads it with --gateway-pid). Prints {"port": N} on stdout once listening on 127.0.0.1.
 *
 * argv: <rate per second> <server chain PEM file> <server key file> <client CA file>
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';

const [rateText, certFile, keyFile, caFile] = process.argv.slice(2);
const rate = Number(rateText);
if (!(rate > 0) || !certFile || !keyFile || !caFile) {
  process.stderr.write('usage: capacity-front-process <rate> <cert> <key> <client-ca>\n');
  process.exit(2);
}
const burst = Math.max(3, rate / 10);
let tokens = burst;
let refilledAt = performance.now();

const server = https.createServer(
  { cert: readFileSync(certFile), key: readFileSync(keyFile), ca: readFileSync(caFile), requestCert: true, rejectUnauthorized: true },
  (request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    response.end('ok\n');
  },
);
server.on('connection', (socket: net.Socket) => {
  const now = performance.now();
  tokens = Math.min(burst, tokens + ((now - refilledAt) / 1_000) * rate);
  refilledAt = now;
  if (tokens >= 1) {
    tokens -= 1;
    return;
  }
  socket.on('error', () => {});
  socket.resetAndDestroy();
});
server.on('tlsClientError', () => {});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as net.AddressInfo).port })}\n`);
});
// The test's process is the parent: when it goes, so does this front.
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
