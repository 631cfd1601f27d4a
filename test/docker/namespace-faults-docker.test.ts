import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { FaultContext } from '../../src/faults/index.js';
import { network } from '../../src/faults/network.js';
import { COMPONENT_LABEL, DockerRuntime, NET_TOOLS_IMAGE, OWNER_PID_LABEL, RUN_ID_LABEL, runLabels } from '../../src/lab/docker/index.js';
import type { StartedLab } from '../../src/lab/index.js';
import type { RunResult } from '../../src/result/index.js';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { attempt } from '../support/gateway-client.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';
import { countLabelled, leftoversOf, requireDocker, runIdOfDir } from '../support/docker-engine.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { startDockerLab } from '../support/docker-lab.js';
import { runDrill } from '../support/run-drill.js';
import { killWatchdog } from '../support/signal-run.js';

let docker: Docker;
let creds: GatewayTestPki;
beforeAll(async () => {
  docker = await requireDocker();
  try {
    await docker.getImage(NET_TOOLS_IMAGE).inspect();
  } catch {
    throw new Error(`the namespace fault tests need the image ${NET_TOOLS_IMAGE}: build the images offline with \`npm run containers:build\``);
  }
  creds = await buildGatewayTestPki();
});

/**
 * The iptables rules in a container's network namespace, read by a throwaway probe container
 * of our own (not the harness's helper): what is really there, whoever put it.
 */
async function rulesInNamespaceOf(containerName: string, runId: string): Promise<string> {
  const probe = await docker.createContainer({
    Image: NET_TOOLS_IMAGE,
    Cmd: ['iptables', '-w', '-S'],
    // A TTY: the logs come back as plain text, not in Docker's multiplexed frames.
    Tty: true,
    Labels: { ...runLabels(runId), [COMPONENT_LABEL]: 'test-probe' },
    HostConfig: { NetworkMode: `container:${containerName}`, CapAdd: ['NET_ADMIN'] },
  });
  try {
    await probe.start();
    const { StatusCode } = (await probe.wait()) as { StatusCode: number };
    const logs = String(await probe.logs({ stdout: true, stderr: true })).replace(/\r/g, '');
    expect(StatusCode, logs).toBe(0);
    return logs;
  } finally {
    await probe.remove({ force: true });
  }
}

async function containersOfRun(runId: string, component?: string): Promise<Docker.ContainerInfo[]> {
  const label = [`${RUN_ID_LABEL}=${runId}`, ...(component ? [`${COMPONENT_LABEL}=${component}`] : [])];
  return docker.listContainers({ all: true, filters: JSON.stringify({ label }) });
}

function startNamespaceLab() {
  return startDockerLab({ gateway: { kind: 'node' }, links: [{ between: 'client-gateway' }] }, creds.pki);
}

const contextOf = (lab: StartedLab, lines: string[] = []) => ({ lab, log: (line: string) => lines.push(line) }) as unknown as FaultContext;

describe('network faults inside the gateway container\'s network namespace (docker runtime)', () => {
  it('partition refuse: iptables REJECT rules in chains of its own while it lasts, connections refused, then exactly those rules gone', async () => {
    const { lab, runtime, runId } = await startNamespaceLab();
    const gatewayContainer = runtime.containerName('gateway-node');
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
    const before = await rulesInNamespaceOf(gatewayContainer, runId);
    expect(before).not.toMatch(/MTLS_CHAOS/);

    const fault = network.create(network.options.parse({ link: 'client-gateway', toxic: 'partition', mode: 'refuse' }));
    const lines: string[] = [];
    await fault.inject(contextOf(lab, lines));
    expect(lines).toEqual(['network: partition (TCP resets both ways) in the network namespace of gateway-node (iptables)']);
    const during = await rulesInNamespaceOf(gatewayContainer, runId);
    expect(during).toMatch(/^-A INPUT -j MTLS_CHAOS_1_IN$/m);
    expect(during).toMatch(/^-A OUTPUT -j MTLS_CHAOS_1_OUT$/m);
    expect(during).toMatch(/^-A MTLS_CHAOS_1_IN -p tcp -m tcp --dport 8443 ! --tcp-flags RST RST -j REJECT --reject-with tcp-reset$/m);
    expect(during).toMatch(/^-A MTLS_CHAOS_1_OUT -p tcp -m tcp --sport 8443 ! --tcp-flags RST RST -j REJECT --reject-with tcp-reset$/m);
    // The harness's own view (an exec in its helper) is the same.
    expect((await lab.networkNamespaces!.rules('gateway-node')).replace(/\r/g, '')).toBe(during.trim());
    // The helper that put them there shares the gateway's namespace and carries the run's labels.
    const [helper] = await containersOfRun(runId, 'netns-gateway-node');
    expect(helper).toBeDefined();
    expect(helper!.HostConfig.NetworkMode).toBe(`container:${(await docker.getContainer(gatewayContainer).inspect()).Id}`);
    // The proxy in front reaches the gateway no more: its connect is reset, the client's connection with it.
    const refused = await attempt(lab.gateway, creds.good);
    expect(refused.status).toBeUndefined();
    expect(refused.error).toMatch(/ECONNRESET|ECONNREFUSED|socket hang up/);

    await fault.heal(contextOf(lab));
    expect(await rulesInNamespaceOf(gatewayContainer, runId)).toBe(before);
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
  }, 120_000);

  it('at teardown an applied fault is healed and the helper removed, before the gateway goes', async () => {
    const { lab, runtime, runId } = await startNamespaceLab();
    const gatewayContainer = runtime.containerName('gateway-node');
    const fault = network.create(network.options.parse({ link: 'client-gateway', toxic: 'loss', probability: '30%' }));
    await fault.inject(contextOf(lab));
    expect(await rulesInNamespaceOf(gatewayContainer, runId)).toMatch(/-m statistic --mode random --probability 0\.(29\d*|30*) -j DROP/);
    expect(await containersOfRun(runId, 'netns-gateway-node')).toHaveLength(1);
    // What the lab's stop does first (the helpers were started last): no heal of the fault's own.
    await lab.networkNamespaces!.close();
    expect(await rulesInNamespaceOf(gatewayContainer, runId)).not.toMatch(/MTLS_CHAOS/);
    expect(await containersOfRun(runId, 'netns-gateway-node')).toHaveLength(0);
    expect((await attempt(lab.gateway, creds.good)).status).toBe(200);
  }, 120_000);
});

/** The categories of a phase that are not ok, for failure messages. */
const failures = (result: RunResult, phase: 'baseline' | 'fault' | 'recovery') =>
  Object.fromEntries(Object.entries(result.byPhase[phase]?.categories ?? {}).filter(([category, count]) => category !== 'ok' && count > 0));

describe('drills with namespace faults on the docker runtime', () => {
  it('partition blackhole on client-gateway: the rules are in the gateway\'s namespace during the fault and gone after the heal; failures are handshake timeouts, as with the proxy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-netns-partition-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'partition-client-gateway.yaml');
    await writeFile(
      file,
      `name: partition-client-gateway
description: Clients cut off from the gateway for 4 s.
runtime: docker
lab:
  gateway: { kind: node }
  links: [{ between: client-gateway }]
pki: { clients: 2 }
load: { rate: 20/s, duration: 14s, timeout: 1500ms }
faults:
  - { at: 4s, for: 4s, kind: network, link: client-gateway, toxic: partition, mode: blackhole }
`,
    );
    const scenario = await loadScenario(file);
    let runId: string | undefined;
    let injectAt = 0;
    let appliedAfterMs = -1;
    const reads: Promise<{ when: string; rules: string }>[] = [];
    const log = (line: string) => {
      const network = /^docker runtime: network mtls-chaos-(\S+)$/.exec(line);
      if (network) runId = network[1];
      const read = (when: string, afterMs: number) =>
        reads.push(
          new Promise((resolve) => setTimeout(resolve, afterMs)).then(async () => ({ when, rules: await rulesInNamespaceOf(`mtls-chaos-${runId}-gateway-node`, runId!) })),
        );
      // Mid-fault, and 2 s after the heal began (the lab runs 6 s more).
      if (line === 'fault network: inject (partition (nothing crosses, both ways) on link client-gateway)') injectAt = performance.now();
      if (line.startsWith('network: partition')) {
        appliedAfterMs = Math.round(performance.now() - injectAt);
        read('during', 1_000);
      }
      if (line === 'fault network: heal') read('after', 2_000);
    };
    const outDir = join(dir, 'reports');
    const outcome = await runScenario(scenario, { outDir, signal: AbortSignal.timeout(100_000), log });
    const observed = await Promise.all(reads);
    const { result } = outcome;
    expect(result.error).toBeUndefined();
    expect(observed.map(({ when }) => when)).toEqual(['during', 'after']);
    expect(observed[0]!.rules).toMatch(/^-A MTLS_CHAOS_1_IN -p tcp -m tcp --dport 8443 -j DROP$/m);
    expect(observed[0]!.rules).toMatch(/^-A MTLS_CHAOS_1_OUT -p tcp -m tcp --sport 8443 -j DROP$/m);
    expect(observed[1]!.rules).not.toMatch(/MTLS_CHAOS/);
    expect(appliedAfterMs).toBeGreaterThanOrEqual(0);
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.98);
    // Nothing crosses: attempts wait for their own deadline, as through the proxy's blackhole.
    const fault = result.byPhase.fault!;
    expect(fault.categories.handshake_timeout / fault.attempts, JSON.stringify(failures(result, 'fault'))).toBeGreaterThanOrEqual(0.6);
    // Attempts due before the fault that overlapped it succeeded; nothing else but timeouts.
    for (const category of Object.keys(failures(result, 'fault'))) expect(category).toBe('handshake_timeout');
    console.log(`namespace partition applied ${appliedAfterMs} ms after the inject began (one docker exec; the helper was started with the load)`);
    const tail = result.timeline.filter((bucket) => bucket.second >= 11);
    const attempts = tail.reduce((total, bucket) => total + bucket.attempts, 0);
    expect(tail.reduce((total, bucket) => total + bucket.succeeded, 0) / attempts).toBeGreaterThanOrEqual(0.95);
    expect(await leftoversOf(docker, runIdOfDir(outcome.dir, scenario.name))).toBe(0);
  }, 150_000);

  it('partition refuse on gateway-ocsp: the gateway\'s own connects to the responder are reset at once, so clients are refused as ocsp_unavailable without waiting out its OCSP timeout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-netns-refuse-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'refuse-gateway-ocsp.yaml');
    await writeFile(
      file,
      `name: refuse-gateway-ocsp
description: The gateway's OCSP queries refused for 5 s.
runtime: docker
lab:
  gateway: { kind: node, ocsp: { mode: hard-fail, cacheTtl: 1s, timeout: 2s } }
  ocspResponder: { kind: builtin }
  links: [{ between: gateway-ocsp }]
pki: { clients: 4 }
load: { rate: 30/s, duration: 14s, timeout: 4s }
faults:
  - { at: 4s, for: 5s, kind: network, link: gateway-ocsp, toxic: partition, mode: refuse }
`,
    );
    const scenario = await loadScenario(file);
    const outcome = await runScenario(scenario, { outDir: join(dir, 'reports'), signal: AbortSignal.timeout(100_000) });
    const { result } = outcome;
    expect(result.error).toBeUndefined();
    expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.98);
    const fault = result.byPhase.fault!;
    expect(fault.categories.ocsp_unavailable / fault.attempts, JSON.stringify(failures(result, 'fault'))).toBeGreaterThanOrEqual(0.5);
    for (const category of Object.keys(failures(result, 'fault'))) expect(category).toBe('ocsp_unavailable');
    // A reset, not a silence: the median handshake stays far below the gateway's 2 s OCSP timeout.
    expect(fault.latency.tlsHandshake.p50).toBeLessThan(1_000);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.9);
    expect(await leftoversOf(docker, runIdOfDir(outcome.dir, scenario.name))).toBe(0);
  }, 150_000);

  it('packet-loss-client-gateway: 15% loss raises handshake p95 by hundreds of ms (TCP retransmits), most attempts still succeed', async () => {
    const { result, dir, exitCode } = await runDrill('packet-loss-client-gateway');
    expect(result.scenario.runtime).toBe('docker');
    expect(result.error).toBeUndefined();
    const baseline = result.byPhase.baseline!;
    const fault = result.byPhase.fault!;
    console.log(`packet loss: baseline p95 ${baseline.latency.tlsHandshake.p95} ms, fault p95 ${fault.latency.tlsHandshake.p95} ms, fault success ${fault.successRate}, ${JSON.stringify(failures(result, 'fault'))}`);
    expect(baseline.successRate).toBeGreaterThanOrEqual(0.99);
    // A lost SYN costs 1 s, a lost segment >= 200 ms: at 15% each way the slowest 5% meet them.
    expect(fault.latency.tlsHandshake.p95 - baseline.latency.tlsHandshake.p95).toBeGreaterThanOrEqual(200);
    expect(fault.successRate).toBeGreaterThanOrEqual(0.8);
    // Whatever fails, fails as the network does, never as a certificate problem.
    for (const category of Object.keys(failures(result, 'fault'))) expect(['handshake_timeout', 'connection_reset']).toContain(category);
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.97);
    expect(exitCode).toBe(0);
    expect(await leftoversOf(docker, runIdOfDir(dir, 'packet-loss-client-gateway'))).toBe(0);
  }, 150_000);

  it('abort mid-fault (Ctrl-C): the fault is healed, then the helper removed while the gateway still runs; nothing of the run left', async () => {
    const lines: string[] = [];
    const outcome = await runDrill('packet-loss-client-gateway', {
      abortAfterLog: { line: /^network: packet loss 15% each way in the network namespace of gateway-node/, afterMs: 1_500 },
      onLog: (line) => lines.push(line),
    });
    const runId = runIdOfDir(outcome.dir, 'packet-loss-client-gateway');
    const [fault] = outcome.result.faults;
    expect(outcome.result.status).toBe('aborted');
    expect(outcome.exitCode).toBe(130);
    expect(fault!.injectedAtMs).toBeDefined();
    expect(fault!.healedAtMs).toBeDefined();
    expect(fault!.error).toBeUndefined();
    // Heal (the rules out), then the helpers, then the gateway they act in.
    const order = ['fault network: heal', 'stopped network namespace helpers', 'stopped gateway-node'].map((line) => lines.indexOf(line));
    expect(order.every((index) => index >= 0), lines.join('\n')).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(await containersOfRun(runId)).toHaveLength(0);
    expect(await leftoversOf(docker, runId)).toBe(0);
  }, 150_000);

  it('a run killed with SIGKILL mid-fault, with its watchdog, leaves its helper container, which the next run\'s sweep removes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-netns-kill-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'tmp'));
    const harness = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'run', 'scenarios/packet-loss-client-gateway.ts', '--out', join(dir, 'reports')],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: join(dir, 'tmp') } },
    );
    onTestFinished(() => void harness.kill('SIGKILL'));
    let stderr = '';
    harness.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!/in the network namespace of gateway-node/.test(stderr)) {
      if (harness.exitCode !== null || Date.now() > deadline) throw new Error(`the fault never started: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const owner = `${OWNER_PID_LABEL}=${harness.pid}`;
    const helpers = () => docker.listContainers({ all: true, filters: JSON.stringify({ label: [owner, `${COMPONENT_LABEL}=netns-gateway-node`] }) });
    expect(await helpers()).toHaveLength(1);
    // The watchdog too (a torn-down machine): else it would remove the helper within a second.
    await killWatchdog(join(dir, 'tmp'));
    harness.kill('SIGKILL');
    await new Promise((resolve) => harness.once('exit', resolve));
    expect(await helpers()).toHaveLength(1);
    // What the next docker run does first.
    const next = await DockerRuntime.open({ runId: `test-netns-next-${process.pid}`, workDir: dir });
    await next.close();
    expect(await helpers()).toHaveLength(0);
    expect(await countLabelled(docker, harness.pid)).toEqual({ containers: 0, networks: 0 });
  }, 150_000);

  it('the local runtime refuses loss before anything starts, naming the fault and --runtime docker', async () => {
    await expect(runDrill('packet-loss-client-gateway', { runtime: 'local' })).rejects.toMatchObject({
      code: 'E_LAB_RUNTIME',
      path: ['faults', 0],
      message: expect.stringMatching(/^fault 1 \(network: packet loss 15% each way on link client-gateway\) needs the docker runtime/),
      hint: expect.stringContaining('--runtime docker'),
    });
  });
});
