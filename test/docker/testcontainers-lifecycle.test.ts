import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DockerRuntime, RUN_ID_LABEL } from '../../src/lab/docker/index.js';
import { startLab } from '../../src/lab/index.js';
import type { ProgramSpec } from '../../src/lab/runtime.js';
import { attempt } from '../support/gateway-client.js';
import { requireDocker } from '../support/docker-engine.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';

let docker: Docker;
let creds: GatewayTestPki;
beforeAll(async () => {
  docker = await requireDocker();
  creds = await buildGatewayTestPki();
});

async function openRuntime(): Promise<{ runtime: DockerRuntime; runId: string; workDir: string }> {
  const workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-tc-test-'));
  const runId = `test-tc-${process.pid}-${Date.now()}`;
  const runtime = await DockerRuntime.open({ runId, workDir });
  onTestFinished(async () => {
    await runtime.close();
    await rm(workDir, { recursive: true, force: true });
  });
  return { runtime, runId, workDir };
}

async function containersOf(runId: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${RUN_ID_LABEL}=${runId}`] }) });
}

/** A program that never passes its readiness check: it polls until its signal ends the race. */
function program(name: string, command: string[], dir: string, readyTimeoutMs?: number): ProgramSpec {
  return {
    name,
    image: 'nginx',
    command,
    dir,
    what: 'a test program',
    ready: (_port, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
    ...(readyTimeoutMs === undefined ? {} : { readyTimeoutMs }),
  };
}

describe('docker runtime: containers go through testcontainers', () => {
  it('labels a lab\'s containers as testcontainers\' own, creates no Ryuk container and pulls nothing', async () => {
    const since = Math.floor(Date.now() / 1000);
    const { runtime, runId, workDir } = await openRuntime();
    const lab = await startLab(
      { gateway: { kind: 'node' }, ocspResponder: { kind: 'builtin' } },
      creds.pki,
      { workDir, signal: AbortSignal.timeout(60_000), runId, runtime },
    );
    onTestFinished(() => lab.stop());
    const containers = await containersOf(runId);
    expect(containers).toHaveLength(2);
    for (const container of containers) {
      // Set by testcontainers' GenericContainer.start(), with the session of its (disabled) reaper.
      expect(container.Labels).toMatchObject({ 'org.testcontainers': 'true', 'org.testcontainers.lang': 'node' });
      expect(container.Labels['org.testcontainers.version']).toMatch(/^\d+\.\d+\.\d+/);
      expect(container.Labels['org.testcontainers.session-id']).toMatch(/^[0-9a-f-]{8,}$/);
    }
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    const ryuk = await docker.listContainers({ all: true, filters: JSON.stringify({ label: ['org.testcontainers.ryuk=true'] }) });
    expect(ryuk).toEqual([]);
    const everyName = (await docker.listContainers({ all: true })).flatMap((container) => container.Names);
    expect(everyName.filter((name) => name.includes('testcontainers-ryuk'))).toEqual([]);
    // The engine's own record: no image pull since this test began (no registry to pull from).
    const pulls = await engineEvents(since, { type: ['image'], event: ['pull'] });
    expect(pulls).toEqual([]);
  }, 90_000);

  it('a program that exits before it is ready: E_LAB_START naming its container and quoting its output, container removed', async () => {
    const { runtime, runId, workDir } = await openRuntime();
    const error = await runtime
      .startProgram(program('early-exit', ['sh', '-c', 'echo "bad directive at line 7" >&2; exit 3'], workDir), AbortSignal.timeout(60_000))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_LAB_START' });
    const message = (error as Error).message;
    expect(message).toContain(runtime.containerName('early-exit'));
    expect(message).toContain('exited before it was ready');
    expect(message).toContain('bad directive at line 7');
    expect(await containersOf(runId)).toEqual([]);
  }, 60_000);

  it('a program never ready within its timeout: E_LAB_START saying so, container removed', async () => {
    const { runtime, runId, workDir } = await openRuntime();
    const started = Date.now();
    const error = await runtime.startProgram(program('never-ready', ['sleep', '60'], workDir, 1_500), AbortSignal.timeout(60_000)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_LAB_START', message: expect.stringContaining('was not ready within 1500 ms') });
    expect((error as Error).message).toContain(runtime.containerName('never-ready'));
    expect(Date.now() - started).toBeLessThan(30_000); // the timeout, not the 60 s of sleep
    expect(await containersOf(runId)).toEqual([]);
  }, 60_000);

  it('an abort during the start rejects with the abort\'s reason and removes the container', async () => {
    const { runtime, runId, workDir } = await openRuntime();
    const controller = new AbortController();
    const reason = new Error('the run was aborted');
    const starting = runtime.startProgram(program('aborted', ['sleep', '60'], workDir, 50_000), controller.signal);
    // Abort once the container exists, while the wait strategy polls.
    for (let tries = 0; tries < 200 && (await containersOf(runId)).length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await containersOf(runId)).toHaveLength(1);
    const abortedAt = Date.now();
    controller.abort(reason);
    await expect(starting).rejects.toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(20_000);
    expect(await containersOf(runId)).toEqual([]);
  }, 60_000);

  it('one of our Node components that crashes at start: E_LAB_START with its container and the end of its log', async () => {
    const { runtime, runId, workDir } = await openRuntime();
    const error = await runtime
      .start(
        { name: 'gateway-broken', entry: 'node-gateway-process.ts', configFile: join(workDir, 'missing-config.json'), dir: workDir, what: 'node gateway', readyTimeoutMs: 30_000 },
        AbortSignal.timeout(60_000),
      )
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_LAB_START', file: join(workDir, 'gateway-broken.log') });
    const message = (error as Error).message;
    expect(message).toContain(runtime.containerName('gateway-broken'));
    expect(message).toContain('exited before it was ready');
    expect(message).toMatch(/ENOENT.*missing-config\.json/);
    expect(await containersOf(runId)).toEqual([]);
  }, 60_000);
});

/** Engine events between `since` (seconds) and now, read to the end of that window. */
async function engineEvents(since: number, filters: Record<string, string[]>): Promise<unknown[]> {
  const until = Math.ceil(Date.now() / 1000) + 1;
  const stream = (await docker.getEvents({ since, until, filters: JSON.stringify(filters) })) as NodeJS.ReadableStream;
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as unknown);
}
