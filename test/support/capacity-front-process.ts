/**
 * A mutual-TLS front whose capacity is known by construction: it admits at most `rate` new
 * connections in any sliding one-second window and resets the rest at accept, before any TLS.
 * So over any second, offered r > rate succeeds at most rate/r of the time, while arrivals below
 * the rate pass even when a busy generator bunches them (a stall of d seconds at rate r only
 * adds r x d to the window). Run as its own process so that its CPU is its own (bench reads it
 * with --gateway-pid). Prints {"port": N} on stdout once listening on 127.0.0.1.
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
const WINDOW_MS = 1_000;
/** Admission times inside the window, oldest first (a ring would do; rates here are small). */
const admitted: number[] = [];

const server = https.createServer(
  { cert: readFileSync(certFile), key: readFileSync(keyFile), ca: readFileSync(caFile), requestCert: true, rejectUnauthorized: true },
  (request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    response.end('ok\n');
  },
);
server.on('connection', (socket: net.Socket) => {
  const now = performance.now();
  while (admitted.length > 0 && admitted[0]! <= now - WINDOW_MS) admitted.shift();
  if (admitted.length < rate) {
    admitted.push(now);
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
