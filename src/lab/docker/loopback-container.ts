import type Docker from 'dockerode';
import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { NEVER_PULL } from './testcontainers-setup.js';

/**
 * A testcontainers GenericContainer that publishes its port on the host's 127.0.0.1 only, sits on
 * one network, and fails fast when it exits before its wait strategy runs.
 *
 * `withExposedPorts` binds with no HostIp, which Docker reads as every interface of the host
 * (0.0.0.0 and ::), and `withNetworkAliases` creates the container on Docker's default bridge
 * before connecting it to the named network (two networks, one shared with every other container
 * of the engine). Both go through the protected create options instead.
 */
export class LoopbackContainer extends GenericContainer {
  #describeEarlyExit: ((container: Docker.Container) => Promise<Error>) | undefined;
  #earlyExit: Error | undefined;
  #exitWatch: AbortController | undefined;

  constructor(image: string) {
    super(image);
    this.withPullPolicy(NEVER_PULL);
  }

  /** Publishes the container's TCP `port` on 127.0.0.1 of the host, on a port the engine picks. */
  withLoopbackPort(port: number): this {
    const key = `${port}/tcp`;
    // Listed for testcontainers' own bookkeeping: the bound ports its wait strategies receive.
    this.exposedPorts = [...this.exposedPorts, port];
    this.createOpts.ExposedPorts = { ...this.createOpts.ExposedPorts, [key]: {} };
    this.hostConfig.PortBindings = { ...this.hostConfig.PortBindings, [key]: [{ HostIp: '127.0.0.1', HostPort: '' }] };
    return this;
  }

  /** Created on `network` only, where the other containers of the run reach it as `alias`. */
  withNetworkAlias(network: string, alias: string): this {
    this.withNetworkMode(network);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network]: { Aliases: [alias] } } };
    return this;
  }

  /**
   * The error start() rejects with when the container exits before its wait strategy begins.
   * testcontainers first waits for the engine to publish the ports, which never happens for a
   * container that has exited, and gives up after 10 s with a message that names neither the
   * container nor its output. So we watch for that exit, describe it while the container's output
   * is still there, and remove the container, which ends testcontainers' wait at once.
   */
  withEarlyExitError(describe: (container: Docker.Container) => Promise<Error>): this {
    this.#describeEarlyExit = describe;
    return this;
  }

  override async start(): Promise<StartedTestContainer> {
    try {
      return await super.start();
    } catch (error) {
      throw this.#earlyExit ?? error;
    } finally {
      this.#exitWatch?.abort();
    }
  }

  protected override async containerCreated(containerId: string): Promise<void> {
    const describe = this.#describeEarlyExit;
    if (!describe) return;
    const container = (await getContainerRuntimeClient()).container.getById(containerId);
    const watch = new AbortController();
    this.#exitWatch = watch;
    // 'next-exit': the container is only created yet, and 'not-running' would answer at once.
    container.wait({ condition: 'next-exit', abortSignal: watch.signal }).then(
      async () => {
        if (watch.signal.aborted) return;
        this.#earlyExit = await describe(container);
        if (!watch.signal.aborted) await container.remove({ force: true }).catch(() => {});
      },
      () => {},
    );
  }

  /** Ports are published: from here the wait strategy watches for an exit itself. */
  protected override async containerStarting(): Promise<void> {
    this.#exitWatch?.abort();
  }
}
