/**
 * Process entry of a fault proxy: a TCP proxy on 127.0.0.1 placed on one link of the lab
 * (client -> gateway, or gateway -> OCSP responder), forwarding bytes untouched until a toxic is
 * set over IPC. Forked by components/fault-proxy.ts; config file path in argv[2].
 *
 * A process of its own rather than a server inside the harness: the toxics' timers and copies
 * then cost the proxy's CPU, not the load generator's, whose CPU the run reports and judges.
 */
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { reportReady, serveParentRequests } from '../ipc.js';
import { DeliverySchedule, describeToxic, dropsData, type Toxic } from '../toxic.js';
import type { FaultProxyProcessConfig } from './fault-proxy-config.js';

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FaultProxyProcessConfig;
let toxic: Toxic | undefined;
let listenPort = config.bind?.port ?? 0;
const listenHost = config.bind?.host ?? '127.0.0.1';
const connections = new Set<ProxiedConnection>();
const counters = { accepted: 0, reset: 0, dropped: 0 };

function log(line: string): void {
  console.log(`${new Date().toISOString()} ${config.name}: ${line}`);
}

/** One client connection and its upstream; each direction keeps its own delivery order. */
class ProxiedConnection {
  private upstream: Socket | undefined;
  private readonly toUpstream = new DeliverySchedule();
  private readonly toClient = new DeliverySchedule();
  private closed = false;

  constructor(private readonly client: Socket) {
    connections.add(this);
    client.setNoDelay(true);
    client.on('data', (chunk: Buffer) => this.relay(chunk, this.toUpstream, () => this.upstream));
    client.on('end', () => this.afterPending(this.toUpstream, () => this.upstream?.end()));
    client.on('error', () => this.destroy());
    client.on('close', () => this.destroyAfterPending());
    // Blackholed when it arrives: accepted, never forwarded, no upstream connection at all.
    if (!dropsData(toxic)) this.openUpstream();
  }

  private openUpstream(): void {
    const upstream = connect({ host: config.upstreamHost, port: config.upstreamPort });
    this.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.on('data', (chunk: Buffer) => this.relay(chunk, this.toClient, () => this.client));
    upstream.on('end', () => this.afterPending(this.toClient, () => this.client.end()));
    // The upstream refused or reset: the client sees a reset too, as it would without the proxy.
    upstream.on('error', () => this.reset());
    upstream.on('close', () => this.destroyAfterPending());
  }

  private relay(chunk: Buffer, schedule: DeliverySchedule, target: () => Socket | undefined): void {
    if (dropsData(toxic)) {
      counters.dropped += chunk.length;
      return;
    }
    const now = performance.now();
    const at = schedule.next(now, chunk.length, toxic);
    const write = () => {
      const socket = target();
      if (!this.closed && socket && !socket.destroyed) socket.write(chunk);
    };
    if (at <= now && schedule.idle) write();
    else schedule.enqueue(at, write);
  }

  /** Half-closes only after the data already scheduled in that direction went out. */
  private afterPending(schedule: DeliverySchedule, action: () => void): void {
    if (dropsData(toxic)) return;
    if (schedule.idle) action();
    else schedule.enqueue(schedule.next(performance.now(), 0, undefined), action);
  }

  /** A side closed: what is still scheduled (held by a latency or bandwidth toxic) goes out first. */
  private destroyAfterPending(): void {
    if (dropsData(toxic) || (this.toUpstream.idle && this.toClient.idle)) {
      this.destroy();
      return;
    }
    // Each direction finishes what it holds; the later of the two destroys.
    let waiting = 0;
    const done = () => {
      if (--waiting <= 0) this.destroy();
    };
    for (const schedule of [this.toUpstream, this.toClient]) {
      if (schedule.idle) continue;
      waiting++;
      schedule.enqueue(schedule.next(performance.now(), 0, undefined), done);
    }
  }

  reset(): void {
    if (this.closed) return;
    counters.reset++;
    this.closed = true;
    connections.delete(this);
    this.toUpstream.clear();
    this.toClient.clear();
    if (!this.client.destroyed) this.client.resetAndDestroy();
    if (this.upstream && !this.upstream.destroyed) this.upstream.resetAndDestroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    connections.delete(this);
    this.toUpstream.clear();
    this.toClient.clear();
    this.client.destroy();
    this.upstream?.destroy();
  }
}

function onConnection(client: Socket): void {
  counters.accepted++;
  const connection = new ProxiedConnection(client);
  if (toxic?.kind === 'reset') connection.reset();
}

let server: Server = createServer(onConnection);

function listen(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, listenHost, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(address && typeof address === 'object' ? address.port : port);
    });
  });
}

async function setToxic(next: Toxic | undefined): Promise<void> {
  const previous = toxic;
  toxic = next;
  log(next ? `toxic ${describeToxic(next)}` : `toxic removed (${JSON.stringify(counters)})`);
  if (next?.kind === 'reset' || (next?.kind === 'partition' && next.mode === 'refuse')) {
    for (const connection of [...connections]) connection.reset();
  }
  if (next?.kind === 'partition' && next.mode === 'refuse') {
    // Stop listening: the kernel then answers a SYN with RST (ECONNREFUSED), as a rejecting firewall does.
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  if (previous?.kind === 'partition' && previous.mode === 'refuse' && !(next?.kind === 'partition' && next.mode === 'refuse')) {
    server = createServer(onConnection);
    await listen(listenPort);
  }
  if (dropsData(previous) && !dropsData(next)) {
    // What was held during the outage is gone (its bytes were dropped): close it rather than
    // leave clients waiting for their own timeouts after the link is back.
    for (const connection of [...connections]) connection.destroy();
  }
}

serveParentRequests({
  setToxic: (payload) => setToxic((payload as Toxic | null) ?? undefined),
  stats: () => ({ ...counters, open: connections.size }),
});

listenPort = await listen(listenPort);
log(`listening on ${listenHost}:${listenPort}, forwarding to ${config.upstreamHost}:${config.upstreamPort}`);
reportReady(listenPort);

process.on('SIGTERM', () => {
  server.close();
  for (const connection of [...connections]) connection.destroy();
  process.exit(0);
});
