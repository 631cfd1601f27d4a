import { describe, expect, it } from 'vitest';
import { LoopbackContainer } from '../../../../src/lab/docker/loopback-container.js';
import { prepareTestcontainers } from '../../../../src/lab/docker/testcontainers-setup.js';

/** Reads what the container would be created with (testcontainers keeps it in protected fields). */
class Inspectable extends LoopbackContainer {
  createOptions() {
    return { create: this.createOpts, host: this.hostConfig, exposed: this.exposedPorts, networkMode: this.networkMode, aliases: this.networkAliases, pull: this.pullPolicy.shouldPull() };
  }
}

describe('LoopbackContainer: what testcontainers would create', () => {
  it('publishes the port on 127.0.0.1 only, with a port the engine picks (withExposedPorts would bind every interface)', () => {
    const options = new Inspectable('mtls-chaos/node:latest').withLoopbackPort(8443).createOptions();
    expect(options.create.ExposedPorts).toEqual({ '8443/tcp': {} });
    expect(options.host.PortBindings).toEqual({ '8443/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    expect(options.exposed).toEqual([8443]);
  });

  it('joins the run network only, with the component name as alias (no connect after creation on the default bridge)', () => {
    const options = new Inspectable('mtls-chaos/node:latest').withNetworkAlias('mtls-chaos-run1', 'gateway-node').createOptions();
    expect(options.networkMode).toBe('mtls-chaos-run1');
    expect(options.aliases).toEqual([]);
    expect(options.create.NetworkingConfig).toEqual({ EndpointsConfig: { 'mtls-chaos-run1': { Aliases: ['gateway-node'] } } });
  });

  it('never asks for a forced pull', () => {
    expect(new Inspectable('mtls-chaos/nginx:latest').createOptions().pull).toBe(false);
  });
});

describe('prepareTestcontainers', () => {
  it('disables Ryuk, pins the host to 127.0.0.1 and drops an image-name prefix', () => {
    const env: NodeJS.ProcessEnv = { TESTCONTAINERS_RYUK_DISABLED: 'false', TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX: 'registry.example/' };
    prepareTestcontainers(env);
    expect(env).toEqual({ TESTCONTAINERS_RYUK_DISABLED: 'true', TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1' });
  });
});
