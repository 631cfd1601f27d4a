/**
 * The TLS half of the capacity front (see capacity-front-process.ts): receives each admitted
 * socket over IPC and does the mutual-TLS handshake and the one response. Sends 'ready' once.
 *
 * argv: <server chain PEM file> <server key file> <client CA file>
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';

const [certFile, keyFile, caFile] = process.argv.slice(2) as [string, string, string];
const server = https.createServer(
  { cert: readFileSync(certFile), key: readFileSync(keyFile), ca: readFileSync(caFile), requestCert: true, rejectUnauthorized: true },
  (request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    response.end('ok\n');
  },
);
server.on('tlsClientError', () => {});
process.on('message', (message, socket) => {
  if (message !== 'socket' || !socket) return;
  const connection = socket as net.Socket;
  connection.on('error', () => {});
  server.emit('connection', connection);
  connection.resume();
});
process.on('disconnect', () => process.exit(0));
process.send!('ready');
