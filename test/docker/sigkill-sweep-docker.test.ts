import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/lab/docker/index.js';
import { countLabelled, requireDocker } from '../support/docker-engine.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { killWatchdog } from '../support/signal-run.js';

let docker: Docker;
let workDir: string;
beforeAll(async () => {
  docker = await requireDocker();
});
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-docker-kill-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Starts `run baseline --runtime docker` in a child harness and waits for its load to flow. */
async function startHarness(env: NodeJS.ProcessEnv) {
  const harness = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'run', 'scenarios/baseline.ts', '--runtime', 'docker', '--duration', '60s', '--out', join(workDir, 'reports')],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  let stderr = '';
  harness.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const check = () => {
      if (/attempts [1-9]/.test(stderr)) resolve();
      else if (harness.exitCode !== null) reject(new Error(`the harness exited early: ${stderr}`));
      else if (Date.now() > deadline) reject(new Error(`no load within 60 s: ${stderr}`));
      else setTimeout(check, 100);
    };
    check();
  });
  return harness;
}

describe('a docker run killed with SIGKILL', () => {
  it('alone: its watchdog removes the containers and the network within seconds, with no next run', async () => {
    const privateTmp = join(workDir, 'tmp');
    await mkdir(privateTmp);
    const harness = await startHarness({ ...process.env, TMPDIR: privateTmp });
    const pid = harness.pid!;
    expect(await countLabelled(docker, pid)).toEqual({ containers: 2, networks: 1 });
    harness.kill('SIGKILL');
    await new Promise((resolve) => harness.on('exit', resolve));
    const deadline = Date.now() + 20_000;
    let left = await countLabelled(docker, pid);
    while ((left.containers > 0 || left.networks > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await countLabelled(docker, pid);
    }
    expect(left).toEqual({ containers: 0, networks: 0 });
  }, 120_000);


  it('with its watchdog: leaves labelled containers and a network, which the next run sweeps before it starts', async () => {
    const privateTmp = join(workDir, 'tmp');
    await mkdir(privateTmp);
    const harness = await startHarness({ ...process.env, TMPDIR: privateTmp });
    const pid = harness.pid!;
    expect(await countLabelled(docker, pid)).toEqual({ containers: 2, networks: 1 });
    await killWatchdog(privateTmp);
    harness.kill('SIGKILL');
    await new Promise((resolve) => harness.on('exit', resolve));
    // Nobody removed them (watchdog gone too): the relays stop their components, the stopped containers and the network stay.
    expect(await countLabelled(docker, pid)).toEqual({ containers: 2, networks: 1 });

    // What the next docker run does first.
    const next = await DockerRuntime.open({ runId: `test-next-${process.pid}`, workDir });
    await next.close();
    expect(await countLabelled(docker, pid)).toEqual({ containers: 0, networks: 0 });
  }, 120_000);

  it('mtls-chaos cleanup removes them by hand as well', async () => {
    const privateTmp = join(workDir, 'tmp');
    await mkdir(privateTmp);
    const env = { ...process.env, TMPDIR: privateTmp };
    const harness = await startHarness(env);
    const pid = harness.pid!;
    await killWatchdog(privateTmp);
    harness.kill('SIGKILL');
    await new Promise((resolve) => harness.on('exit', resolve));
    expect((await countLabelled(docker, pid)).containers).toBe(2);
    const cleanup = await runCli(['cleanup'], { env });
    expect(cleanup.exitCode).toBe(0);
    expect(cleanup.stdout).toMatch(/docker: cleaned [1-9]\d* dead run\(s\): [2-9]\d* container\(s\), [1-9]\d* network\(s\) removed/);
    expect(await countLabelled(docker, pid)).toEqual({ containers: 0, networks: 0 });
  }, 120_000);
});
