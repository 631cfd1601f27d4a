/**
 * Process entry of the built-in TCP balancer: round-robin over the gateway replicas, TCP
 * pass-through (TLS terminates at the replicas, so each replica's own certificate, trust bundle
 * and verdict reach the client). Forked by components/tcp-balancer.ts; config path in argv[2].
 *
 * It records where each client connection went (by the client's source port), because an attempt
 * that fails inside the TLS handshake never sees the replica's header: the run asks `routes`
 * afterwards to attribute such failures per replica.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { BalancerRouteLog, type BalancerRouteQuery } from '../balancer-route-log.js';
import { reportReady, serveParentRequests } from '../ipc.js';
import type { TcpBalancerProcessConfig } from './tcp-balancer-config.js';

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as TcpBalancerProcessConfig;
const routes = new BalancerRouteLog();
let next = 0;

const server = net.createServer({ noDelay: true }, (client) => {
  const backend = config.backends[next++ % config.backends.length]!;
  if (client.remotePort !== undefined) routes.add({ clientPort: client.remotePort, acceptedAtMs: Date.now(), backend: backend.name });
  const upstream = net.connect({ host: '127.0.0.1', port: backend.port, noDelay: true });
  // Either side closing or failing closes the other: a refused or reset backend reaches the
  // client as a reset, as it would through a real L4 balancer.
  const closeBoth = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', closeBoth);
  upstream.on('error', closeBoth);
  client.pipe(upstream);
  upstream.pipe(client);
});

serveParentRequests({
  routes: (payload) => (payload as BalancerRouteQuery[]).map((query) => routes.backendOf(query) ?? null),
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') {
    console.log(
      `${new Date().toISOString()} ${config.name} listening on 127.0.0.1:${address.port}, round-robin over ` +
        config.backends.map((backend) => `${backend.name}@${backend.port}`).join(', '),
    );
    reportReady(address.port);
  }
});

process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
