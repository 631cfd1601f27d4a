/** One client connection as the balancer routed it. */
export interface BalancerRoute {
  /** The client's TCP source port (the balancer's remotePort). */
  readonly clientPort: number;
  /** When the balancer accepted the connection, epoch ms. */
  readonly acceptedAtMs: number;
  /** The backend (replica) name it went to. */
  readonly backend: string;
}

/** "Which backend did the connection from this port, opened about then, go to?" */
export interface BalancerRouteQuery {
  readonly clientPort: number;
  /** When the client started the attempt (epoch ms): the balancer accepted it just after. */
  readonly startedAtMs: number;
}

/** A route further than this from the attempt's start is another connection that reused the port. */
export const ROUTE_MATCH_WINDOW_MS = 2_000;
/** Routes kept per client port: enough to tell a reused port's connections apart by time. */
const ROUTES_PER_PORT = 4;

/**
 * Where the balancer sent each client connection, by client port. A failure that ends in the
 * TLS handshake (a client refusing a stale replica's server certificate) carries no replica
 * header, so the run asks here: the attempt knows its local port, the balancer knows where that
 * port's connection went. Ports are reused over a long run, so each port keeps its last few
 * routes with their time, and a query takes the one accepted nearest to the attempt's start.
 * Memory is bounded by the number of ports (at most 64k) times ROUTES_PER_PORT.
 */
export class BalancerRouteLog {
  private readonly byPort = new Map<number, BalancerRoute[]>();

  add(route: BalancerRoute): void {
    let routes = this.byPort.get(route.clientPort);
    if (!routes) {
      routes = [];
      this.byPort.set(route.clientPort, routes);
    }
    routes.push(route);
    if (routes.length > ROUTES_PER_PORT) routes.shift();
  }

  /** The backend of the matching connection, or undefined when the balancer never saw it. */
  backendOf(query: BalancerRouteQuery): string | undefined {
    let best: BalancerRoute | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const route of this.byPort.get(query.clientPort) ?? []) {
      const distance = Math.abs(route.acceptedAtMs - query.startedAtMs);
      if (distance <= ROUTE_MATCH_WINDOW_MS && distance < bestDistance) {
        best = route;
        bestDistance = distance;
      }
    }
    return best?.backend;
  }
}
