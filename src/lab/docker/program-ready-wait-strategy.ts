import type Docker from 'dockerode';
import type { BoundPorts } from 'testcontainers';
// Not re-exported by the package's index; the class is part of its published typings.
import { AbstractWaitStrategy } from 'testcontainers/build/wait-strategies/wait-strategy.js';
import type { ProgramSpec } from '../runtime.js';
import { containerStartError, type StartingContainer } from './container-start-error.js';
import { readyBeforeExit } from './ready-before-exit.js';

/**
 * Ready when a program's own check passes on the host port its container port is published on
 * (ProgramSpec.ready: a TLS handshake to nginx or haproxy, an OCSP answer), that is, from where the
 * load will come. Fails with E_LAB_START quoting the container's output while the container still
 * exists (testcontainers removes a container whose wait strategy fails), or with the abort's reason.
 */
export class ProgramReadyWaitStrategy extends AbstractWaitStrategy {
  constructor(
    private readonly starting: StartingContainer,
    /** The container port published on the host, or the host port itself for a program on the host's network. */
    private readonly port: { readonly container: number } | { readonly host: number },
    private readonly ready: ProgramSpec['ready'],
    private readonly signal: AbortSignal,
  ) {
    super();
  }

  override async waitUntilReady(container: Docker.Container, boundPorts: BoundPorts): Promise<void> {
    const hostPort = 'host' in this.port ? this.port.host : boundPorts.getBinding(this.port.container);
    try {
      await readyBeforeExit(container, this.startupTimeoutMs, this.signal, (signal) => this.ready(hostPort, signal));
    } catch (error) {
      if (this.signal.aborted) throw this.signal.reason;
      throw await containerStartError(this.starting, container, (error as Error).message);
    }
  }
}
