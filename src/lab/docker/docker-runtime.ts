import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { setTimeout as delay } from 'node:timers/promises';
import { resolveForkEntry } from '../fork-entry.js';
import { IpcClient } from '../ipc.js';
import { LabError } from '../lab-error.js';
import type { ComponentSpec, ProgramSpec, RunningComponent, RunningProgram, Runtime } from '../runtime.js';
import { processGroupMembers } from '../child-process-supervisor.js';
import { assertEngineReachable, assertImagePresent, dockerClient, NODE_IMAGE } from './docker-engine.js';
import { COMPONENT_LABEL, runLabels } from './docker-labels.js';
import { ContainerCpu } from './container-cpu.js';
import { DockerNamespaceFaults } from './namespace-faults.js';
import { SocketIpcChannel } from './socket-ipc-channel.js';
import { sweepDeadDockerRuns } from './sweep-dead-docker-runs.js';

/** Where every component listens inside its container (its own network namespace). */
const COMPONENT_PORT = 8443;
const DEFAULT_READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_SECONDS = 2;
/** The package root (dist/ and node_modules/), from src/lab/docker or dist/lab/docker. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

export interface DockerRuntimeOptions {
  readonly runId: string;
  /** The run's temp folder (PKI, configs, logs): bind-mounted at the same path, so paths in configs hold. */
  readonly workDir: string;
  readonly docker?: Docker;
}

/**
 * The docker runtime: each component in its own container on one bridge network of the run,
 * reached from the host only through a port published on 127.0.0.1. Our Node components run in
 * mtls-chaos/node with the harness's own Node binary and this package mounted read-only, so they
 * are the same code as locally; keys stay in the run's temp folder (mounted, never in an image),
 * read by the harness's own uid, which the containers run as.
 */
export class DockerRuntime implements Runtime {
  readonly kind = 'docker';
  readonly bind = { host: '0.0.0.0', port: COMPONENT_PORT };
  readonly network: string;
  readonly #containers = new Set<Docker.Container>();
  readonly #labels: Record<string, string>;

  private constructor(
    readonly docker: Docker,
    private readonly options: DockerRuntimeOptions,
  ) {
    this.network = `mtls-chaos-${options.runId}`;
    this.#labels = runLabels(options.runId);
  }

  /** Checks the engine and the image, sweeps dead runs' leftovers, creates the run's network. */
  static async open(options: DockerRuntimeOptions): Promise<DockerRuntime> {
    const docker = options.docker ?? dockerClient();
    await assertEngineReachable(docker);
    await assertImagePresent(docker, NODE_IMAGE);
    const runtime = new DockerRuntime(docker, options);
    await sweepDeadDockerRuns(docker);
    await docker.createNetwork({ Name: runtime.network, Driver: 'bridge', CheckDuplicate: true, Labels: runtime.#labels });
    return runtime;
  }

  containerName(component: string): string {
    return `mtls-chaos-${this.options.runId}-${component}`;
  }

  async start(spec: ComponentSpec, signal: AbortSignal): Promise<RunningComponent> {
    signal.throwIfAborted();
    const relay = resolveForkEntry(import.meta.url, './container-relay-process.ts');
    const entry = resolveForkEntry(import.meta.url, `../processes/${spec.entry}`);
    const socketPath = join(spec.dir, `${spec.name}.sock`);
    const logFile = join(spec.dir, `${spec.name}.log`);
    const relayConfig = { socketPath, logFile, modulePath: entry.modulePath, execArgv: entry.execArgv, args: [spec.configFile] };
    const portKey = `${COMPONENT_PORT}/tcp`;
    const node = process.execPath;
    const container = await this.docker.createContainer({
      name: this.containerName(spec.name),
      Image: NODE_IMAGE,
      Cmd: [node, ...relay.execArgv, relay.modulePath, JSON.stringify(relayConfig)],
      WorkingDir: PACKAGE_ROOT,
      // The harness's uid: it owns the 0600 keys and the folder the relay's socket goes in.
      User: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
      Env: ['HOME=/tmp', 'NODE_ENV=production'],
      Labels: { ...this.#labels, [COMPONENT_LABEL]: spec.name },
      ExposedPorts: { [portKey]: {} },
      HostConfig: {
        Binds: [`${node}:${node}:ro`, `${PACKAGE_ROOT}:${PACKAGE_ROOT}:ro`, `${this.options.workDir}:${this.options.workDir}`, ...tsxCacheBinds(relay.execArgv)],
        // Published on the host's loopback only, on a port the engine picks.
        PortBindings: { [portKey]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
        NetworkMode: this.network,
      },
      NetworkingConfig: { EndpointsConfig: { [this.network]: { Aliases: [spec.name] } } },
    });
    this.#containers.add(container);
    let channel: SocketIpcChannel | undefined;
    let cpu: ContainerCpu | undefined;
    const stop = async () => {
      cpu?.stop();
      channel?.close();
      await container.stop({ t: STOP_GRACE_SECONDS }).catch(() => {});
      await container.remove({ force: true }).catch(() => {});
      this.#containers.delete(container);
    };
    try {
      await container.start();
      const deadline = Date.now() + (spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
      channel = await SocketIpcChannel.connect(socketPath, signal, deadline).catch(async (error: unknown) => {
        throw await this.startError(spec, container, logFile, `its relay socket never appeared (${(error as Error).message})`);
      });
      const ipc = new IpcClient(channel, spec.name);
      const openChannel = channel;
      await Promise.race([
        ipc.ready(),
        new Promise<never>((_, reject) => openChannel.once('exit', () => reject(new Error('exited before it was ready')))),
        delay(Math.max(0, deadline - Date.now()), undefined, { signal }).then(() => {
          throw new Error(`was not ready within ${spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS} ms`);
        }),
      ]).catch(async (error: unknown) => {
        if (signal.aborted) throw signal.reason;
        throw await this.startError(spec, container, logFile, (error as Error).message);
      });
      const inspected = await container.inspect();
      const hostPort = Number(inspected.NetworkSettings.Ports[portKey]?.[0]?.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) throw new LabError('E_LAB_START', `${spec.name}: the engine published no port for ${portKey}`);
      const pids = await hostPidsOf(container);
      cpu = ContainerCpu.watch(container);
      return {
        ipc,
        port: hostPort,
        address: { host: spec.name, port: COMPONENT_PORT },
        pids: () => (openChannel.connected ? pids : []),
        cpuUsage: () => cpu?.latest(),
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  }

  /**
   * A program from its own image (containers/<image>), on the run network, as the harness's uid,
   * the run folder mounted at the same path; ready when `spec.ready` says so on the published port.
   */
  async startProgram(spec: ProgramSpec, signal: AbortSignal): Promise<RunningProgram> {
    signal.throwIfAborted();
    const image = `mtls-chaos/${spec.image}:latest`;
    await assertImagePresent(this.docker, image);
    const portKey = `${COMPONENT_PORT}/tcp`;
    const container = await this.docker.createContainer({
      name: this.containerName(spec.name),
      Image: image,
      Cmd: [...spec.command],
      User: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
      Labels: { ...this.#labels, [COMPONENT_LABEL]: spec.name },
      ExposedPorts: { [portKey]: {} },
      HostConfig: {
        Binds: [`${this.options.workDir}:${this.options.workDir}`],
        PortBindings: { [portKey]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
        NetworkMode: this.network,
      },
      NetworkingConfig: { EndpointsConfig: { [this.network]: { Aliases: [spec.name] } } },
    });
    this.#containers.add(container);
    let cpu: ContainerCpu | undefined;
    let stopped = false;
    const stop = async () => {
      stopped = true;
      cpu?.stop();
      await container.stop({ t: STOP_GRACE_SECONDS }).catch(() => {});
      await container.remove({ force: true }).catch(() => {});
      this.#containers.delete(container);
    };
    try {
      await container.start();
      const inspected = await container.inspect();
      const hostPort = Number(inspected.NetworkSettings.Ports[portKey]?.[0]?.HostPort);
      const pid = inspected.State.Pid;
      const timeoutMs = spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
      const polling = new AbortController();
      const onAbort = () => polling.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await Promise.race([
          spec.ready(hostPort, polling.signal),
          container.wait().then(() => {
            throw new Error('exited before it was ready');
          }),
          delay(timeoutMs, undefined, { signal: polling.signal }).then(() => {
            throw new Error(`was not ready within ${timeoutMs} ms`);
          }),
        ]);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const logs = String(await container.logs({ stdout: true, stderr: true, tail: 15 }).catch(() => '')).trim();
        throw new LabError('E_LAB_START', `${spec.name} (${spec.what}, in container ${this.containerName(spec.name)}) ${(error as Error).message}${logs ? `; its output ends with:\n${logs}` : ''}`, {
          hint: `see ${spec.dir}`,
        });
      } finally {
        polling.abort();
        signal.removeEventListener('abort', onAbort);
      }
      cpu = ContainerCpu.watch(container);
      const watched = cpu;
      return {
        port: hostPort,
        address: { host: spec.name, port: COMPONENT_PORT },
        pid,
        get running() {
          return !stopped && processGroupMembers(pid).length > 0;
        },
        groupPids: () => (stopped ? [] : processGroupMembers(pid)),
        cpuUsage: () => watched.latest(),
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  }

  private async startError(spec: ComponentSpec, container: Docker.Container, logFile: string, reason: string): Promise<LabError> {
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-15).join('\n');
    const engineLog = tail ? '' : String(await container.logs({ stdout: true, stderr: true, tail: 15 }).catch(() => '')).trim();
    const last = tail || engineLog;
    return new LabError('E_LAB_START', `${spec.name} (${spec.what}, in container ${this.containerName(spec.name)}) ${reason}${last ? `; its log ends with:\n${last}` : ''}`, {
      file: logFile,
      hint: `see ${logFile}`,
    });
  }

  /** Faults inside a component's network namespace, from helper containers labelled as the run's. */
  networkNamespaces(): DockerNamespaceFaults {
    return new DockerNamespaceFaults({
      docker: this.docker,
      labels: this.#labels,
      network: this.network,
      containerName: (component) => this.containerName(component),
      componentPort: COMPONENT_PORT,
    });
  }

  sweep(): Promise<number> {
    return sweepDeadDockerRuns(this.docker).then((report) => report.runs);
  }

  /** Removes every container the run still has, then its network. Idempotent. */
  async close(): Promise<void> {
    await Promise.all([...this.#containers].map((container) => container.remove({ force: true }).catch(() => {})));
    this.#containers.clear();
    await this.docker
      .getNetwork(this.network)
      .remove()
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      });
  }
}

/** The host pids of a container's processes (`docker top`): its CPU on /proc, SIGSTOP for pauses. */
async function hostPidsOf(container: Docker.Container): Promise<number[]> {
  const top = (await container.top()) as { Titles: string[]; Processes: string[][] };
  const column = top.Titles.indexOf('PID');
  return top.Processes.map((row) => Number(row[column])).filter((pid) => Number.isInteger(pid) && pid > 0);
}

/**
 * Run from source (tests, `tsx src/cli/main.ts`), components load TypeScript through tsx, which
 * compiles each file once into its cache; a fresh container has none, and compiling the lab's
 * modules again costs seconds of CPU per component. Sharing the harness's cache (same uid)
 * keeps a container's start near a local child's.
 */
function tsxCacheBinds(execArgv: readonly string[]): string[] {
  if (!execArgv.includes('tsx')) return [];
  const cache = join(tmpdir(), `tsx-${process.getuid?.() ?? 0}`);
  return existsSync(cache) ? [`${cache}:/tmp/tsx-${process.getuid?.() ?? 0}`] : [];
}
