/**
 * The reference the generator bench holds ours against: the least a Node mutual-TLS client can do
 * per attempt. One secure context built once; per attempt a new TCP connection, a full handshake
 * with the client certificate (Node's default server verification), `GET / HTTP/1.1`, the status
 * line read, the socket closed. No timing, no classification, no records.
 *
 *   node --import tsx test/bench/minimal-tls-client.ts <port> <servername> <cert> <key> <ca> <durationMs>
 *
 * Prints one JSON line: { attempts, succeeded, durationMs, cpuMs } (CPU of this process, all threads,
 * over the loop only: module loading is not counted).
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const [port, servername, certFile, keyFile, caFile, durationArg] = process.argv.slice(2);
const secureContext = tls.createSecureContext({ cert: readFileSync(certFile!), key: readFileSync(keyFile!), ca: readFileSync(caFile!) });
const request = Buffer.from(`GET / HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`, 'latin1');

function attempt(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port: Number(port), servername, secureContext });
    let head = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('secureConnect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n');
      if (end >= 0) done(head.startsWith('HTTP/1.1 200'));
    });
    socket.once('error', () => done(false));
    socket.once('end', () => done(false));
  });
}

const startCpu = process.cpuUsage();
const startedAt = performance.now();
const endAt = startedAt + Number(durationArg);
let attempts = 0;
let succeeded = 0;
while (performance.now() < endAt) {
  attempts += 1;
  if (await attempt()) succeeded += 1;
}
const cpu = process.cpuUsage(startCpu);
process.stdout.write(`${JSON.stringify({ attempts, succeeded, durationMs: performance.now() - startedAt, cpuMs: (cpu.user + cpu.system) / 1_000 })}\n`);
