import { beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../support/docker-engine.js';
import { runCli } from '../support/run-cli.js';

beforeAll(async () => {
  await requireDocker();
});

describe('mtls-chaos doctor', () => {
  it('reports the engine and every image present, and passes --require docker', async () => {
    const result = await runCli(['doctor', '--require', 'docker']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^ok\s+docker engine\s+docker runtime\s+version \d+/m);
    for (const image of ['mtls-chaos/base:bookworm', 'mtls-chaos/node:latest', 'mtls-chaos/nginx:latest', 'mtls-chaos/net-tools:latest', 'mtls-chaos/mitmproxy:latest']) {
      expect(result.stdout).toMatch(new RegExp(`^ok\\s+${image.replace(/[/.:]/g, '\\$&')}\\s+docker runtime\\s+present`, 'm'));
    }
    expect(result.stdout).toMatch(/^(ok|MISSING)\s+nginx\s+nginx gateway/m);
  });

  it('without an engine: says how to start one, exits 0 plainly and 1 with --require docker', { timeout: 90_000 }, async () => {
    const env = { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    const plain = await runCli(['doctor'], { env });
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toMatch(/^MISSING\s+docker engine\s+docker runtime\s+.*fix: start a Docker engine: `apt-get install docker.io` then `dockerd/m);
    const required = await runCli(['doctor', '--require', 'docker'], { env });
    expect(required.exitCode).toBe(1);
  });
});
