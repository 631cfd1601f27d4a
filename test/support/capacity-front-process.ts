/**
 * A mutual-TLS front whose capacity is known by construction: it admits at most `rate` new
 * connections in any sliding one-second window and resets the rest at accept, before any TLS.
 * So over any second, offered r > rate succeeds at most rate/r of the time.
 *
 * Two processes, because the count must happen when a connection arrives. Counted in the process
 * that also does the TLS handshakes, a front starved of CPU on a loaded machine (it got 8-13% of
 * a core at a load average of 17-23) accepted its backlog late and spread out, and then admitted
 * 48/s for a 40/s front. This process only accepts and counts (no crypto: the scheduler runs a
 * process that mostly sleeps promptly), and hands each admitted socket to a TLS child
 * (capacity-front-tls.ts) over IPC, as node:cluster does. Prints {"port", "pids"} on stdout.
 *
 * argv: <rate per second> <server chain PEM file> <server key file> <client CA file>
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const [rateText, certFile, keyFile, caFile] = process.argv.slice(2);
const rate = Number(rateText);
if (!(rate > 0) || !certFile || !keyFile || !caFile) {
  process.stderr.write('usage: capacity-front-process <rate> <cert> <key> <client-ca>\n');
  process.exit(2);
}
const WINDOW_MS = 1_000;
/** Admission times inside the window, oldest first (a ring would do; rates here are small). */
const admitted: number[] = [];

const tls = fork(fileURLToPath(new URL('./capacity-front-tls.ts', import.meta.url)), [certFile, keyFile, caFile], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
await once(tls, 'message');

const server = net.createServer({ pauseOnConnect: true }, (socket) => {
  const now = performance.now();
  while (admitted.length > 0 && admitted[0]! <= now - WINDOW_MS) admitted.shift();
  if (admitted.length < rate) {
    admitted.push(now);
    tls.send('socket', socket);
    return;
  }
  socket.on('error', () => {});
  socket.resetAndDestroy();
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as net.AddressInfo).port, pids: [process.pid, tls.pid] })}\n`);
});
const exit = () => {
  tls.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGTERM', exit);
tls.on('exit', () => process.exit(1));
// The test's process is the parent: when it goes, so does this front.
process.stdin.on('end', exit);
process.stdin.resume();
