/**
 * Process entry run inside a component container (PID 1 of it). The component entry expects the
 * IPC channel `fork` gives; across the container boundary there is none, so this forks the entry
 * with one and relays its messages, one JSON object a line, over a Unix socket in the run's
 * bind-mounted folder, which the harness connects to. When the harness goes away (the socket
 * closes) the component is stopped and the container exits, like a local child whose parent died.
 * Config (argv[2], JSON): socketPath, logFile, modulePath, execArgv, args.
 */
import { fork } from 'node:child_process';
import { openSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';

interface RelayConfig {
  readonly socketPath: string;
  readonly logFile: string;
  readonly modulePath: string;
  readonly execArgv: readonly string[];
  readonly args: readonly string[];
}

const config = JSON.parse(process.argv[2]!) as RelayConfig;
const logFd = openSync(config.logFile, 'a', 0o600);
const child = fork(config.modulePath, [...config.args], { execArgv: [...config.execArgv], stdio: ['ignore', logFd, logFd, 'ipc'] });
const pending: unknown[] = [];
let harness: Socket | undefined;

child.on('message', (message) => {
  if (harness) harness.write(`${JSON.stringify(message)}\n`);
  else pending.push(message);
});
child.on('exit', (code, signal) => {
  harness?.end();
  rmSync(config.socketPath, { force: true });
  process.exit(code ?? (signal ? 128 : 1));
});

rmSync(config.socketPath, { force: true });
const server = createServer((socket) => {
  if (harness) {
    socket.destroy(); // one harness per component
    return;
  }
  harness = socket;
  for (const message of pending.splice(0)) socket.write(`${JSON.stringify(message)}\n`);
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line) child.send(JSON.parse(line));
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => child.kill('SIGTERM'));
});
server.listen(config.socketPath);

process.on('SIGTERM', () => child.kill('SIGTERM'));
