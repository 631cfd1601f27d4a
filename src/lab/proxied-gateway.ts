import type { GatewayKind, GatewayReloadFiles, StartedGateway } from './gateway.js';

/**
 * The gateway as clients reach it through what the lab put in front of it (the fault proxy of the
 * client-gateway link, the interceptor): the front's port is where load goes; everything else
 * (processes, reload, the rejection log) is the gateway's own. The front is not part of it: its
 * CPU is not the gateway's.
 */
export class ProxiedGateway implements StartedGateway {
  readonly host = '127.0.0.1';
  readonly name: string;
  readonly kind: GatewayKind;
  readonly port: number;
  readonly servername: string;
  readonly caPem: string;
  readonly rejectionReasonSince?: StartedGateway['rejectionReasonSince'];

  constructor(
    readonly inner: StartedGateway,
    readonly front: { readonly name: string; readonly port: number },
  ) {
    this.name = inner.name;
    this.kind = inner.kind;
    this.port = front.port;
    this.servername = inner.servername;
    this.caPem = inner.caPem;
    if (inner.rejectionReasonSince) this.rejectionReasonSince = (sinceMs) => inner.rejectionReasonSince!(sinceMs);
  }

  pids(): number[] {
    return this.inner.pids();
  }

  reload(files?: GatewayReloadFiles): Promise<void> {
    return this.inner.reload(files);
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}
