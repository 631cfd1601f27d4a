/**
 * Process entry of the local `openssl ocsp` responder. OpenSSL 3.0's `ocsp -port` takes a port
 * number only and binds every interface (`ACCEPT [::]:<port>`), which a lab must never do. So
 * this process is started in a network namespace of its own (`unshare --net`, by
 * components/openssl-ocsp-responder.ts), where openssl's "every interface" is a private loopback
 * nobody else can reach; the parent hands over a socket it bound on the host's 127.0.0.1 (a
 * listening socket stays in the namespace it was created in), and this process relays each
 * connection to openssl. Config in argv[2].
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Server, type Socket } from 'node:net';
import { reportReady, serveParentRequests } from '../ipc.js';
import type { OpensslOcspHandoff, OpensslOcspMode, OpensslOcspProcessConfig } from './openssl-ocsp-config.js';

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as OpensslOcspProcessConfig;

// A new network namespace has only `lo`, and it is down.
try {
  execFileSync('ip', ['link', 'set', 'lo', 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
} catch (error) {
  console.error(`${config.name}: could not bring up the loopback of its network namespace (ip link set lo up): ${(error as Error).message}`);
  process.exit(3);
}

const openssl = spawn(config.openssl, [...config.args, '-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
openssl.on('error', (error) => {
  console.error(`${config.name}: could not start ${config.openssl}: ${error.message}`);
  process.exit(3);
});
openssl.on('exit', (code, signal) => {
  console.error(`${config.name}: openssl ocsp exited (${signal ?? code})`);
  process.exit(3);
});
process.on('exit', () => openssl.kill('SIGKILL'));

let opensslPort: number | undefined;
let server: Server | undefined;
let announced = false;
const relayed = new Set<Socket>();

let stdout = '';
openssl.stdout.setEncoding('utf8');
openssl.stdout.on('data', (chunk: string) => {
  process.stdout.write(chunk);
  if (opensslPort !== undefined) return;
  stdout += chunk;
  // "ACCEPT [::]:41059 PID=7646" once it listens.
  const match = /ACCEPT \S*:(\d+)/.exec(stdout);
  if (match) {
    opensslPort = Number(match[1]);
    announce();
  }
});

function relay(client: Socket): void {
  const upstream = connect(opensslPort!, '127.0.0.1');
  relayed.add(client);
  const close = () => {
    relayed.delete(client);
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
  client.pipe(upstream).pipe(client);
}

/** Ready (the first time) and `listening` once openssl listens and the host socket is ours. */
function announce(): void {
  if (opensslPort === undefined || !server) return;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const handoff: OpensslOcspHandoff = { kind: 'listening', port };
  process.send?.(handoff);
  if (!announced) {
    announced = true;
    reportReady(port);
  }
}

process.on('message', (message: OpensslOcspHandoff, handle?: unknown) => {
  if (message?.kind !== 'listen' || !handle) return;
  server = handle as Server;
  server.on('connection', relay);
  announce();
});

let stopped = false;
serveParentRequests({
  setMode: (payload) => {
    const mode = payload as OpensslOcspMode;
    switch (mode) {
      case 'down':
        // Closing the only copy of the listening socket: connections are refused, as a dead
        // responder's are. The parent binds the same port again and hands it over to come back.
        server?.close();
        server = undefined;
        for (const socket of relayed) socket.destroy();
        return undefined;
      case 'blackhole':
        // openssl frozen: its listen backlog still completes TCP handshakes, nothing answers.
        if (!stopped) openssl.kill('SIGSTOP');
        stopped = true;
        return undefined;
      case 'normal':
        if (stopped) openssl.kill('SIGCONT');
        stopped = false;
        return undefined;
      default:
        throw new Error(`openssl ocsp cannot be put in mode ${JSON.stringify(mode)}`);
    }
  },
  pid: () => openssl.pid,
});
