import type { ErrorCategory } from '../metrics/error-category.js';
import type { StartedTcpBalancer } from './components/tcp-balancer.js';
import type { GatewayKind, GatewayReloadFiles, StartedGateway } from './gateway.js';

/**
 * N gateway replicas behind the lab's balancer, seen as one gateway: the balancer's address is
 * where load goes, pids() are every replica's (gateway CPU, a gateway-pause freezes them all),
 * reload() reaches every replica (a fault that wants only some uses StartedLab.replicas). The
 * balancer itself is not part of it: it is infrastructure, not the system under test.
 */
export class BalancedGateway implements StartedGateway {
  readonly host = '127.0.0.1';
  readonly name: string;
  readonly kind: GatewayKind;
  readonly port: number;
  readonly servername: string;
  readonly caPem: string;

  constructor(
    readonly replicas: readonly StartedGateway[],
    readonly balancer: StartedTcpBalancer,
  ) {
    const first = replicas[0];
    if (!first) throw new RangeError('a balanced gateway needs at least one replica');
    this.name = balancer.name;
    this.kind = first.kind;
    this.port = balancer.port;
    this.servername = first.servername;
    this.caPem = first.caPem;
    const readers = replicas.filter((replica) => replica.rejectionReasonSince !== undefined);
    if (readers.length > 0) {
      this.rejectionReasonSince = async (sinceMs) => {
        const reasons = await Promise.all(readers.map((replica) => replica.rejectionReasonSince!(sinceMs)));
        return reasons.find((reason) => reason !== undefined);
      };
    }
  }

  pids(): number[] {
    return this.replicas.flatMap((replica) => replica.pids());
  }

  async reload(files?: GatewayReloadFiles): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.reload(files)));
  }

  /**
   * Asks every replica's log (nginx): a refusal happened on one of them, and the balancer does not
   * say which here (the attempt's own replica header, when there is one, attributes it).
   */
  readonly rejectionReasonSince?: (sinceMs: number) => Promise<ErrorCategory | undefined>;

  async stop(): Promise<void> {
    await Promise.allSettled(this.replicas.map((replica) => replica.stop()));
  }
}
