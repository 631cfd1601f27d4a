import { GenericContainer } from 'testcontainers';
import { NEVER_PULL } from './testcontainers-setup.js';

/**
 * A testcontainers GenericContainer that publishes its port on the host's 127.0.0.1 only and sits
 * on one network. `withExposedPorts` binds with no HostIp, which Docker reads as every interface
 * of the host (0.0.0.0 and ::), and `withNetworkAliases` creates the container on Docker's default
 * bridge before connecting it to the named network (two networks, one shared with every other
 * container of the engine). Both go through the protected create options instead.
 */
export class LoopbackContainer extends GenericContainer {
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
}
