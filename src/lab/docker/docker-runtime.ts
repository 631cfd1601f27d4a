import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import type { StartedTestContainer } from 'testcontainers';
import { resolveForkEntry } from '../fork-entry.js';
import { LabError } from '../lab-error.js';
import type { ComponentSpec, OneShotProgramSpec, ProgramSpec, RunningComponent, RunningProgram, Runtime } from '../runtime.js';
import { processGroupMembers } from '../child-process-supervisor.js';
import { assertEngineReachable, assertImagePresent, dockerClient, NODE_IMAGE } from './docker-engine.js';
import { COMPONENT_LABEL, runLabels } from './docker-labels.js';
import { ContainerCpu } from './container-cpu.js';
import { containerStartError, type StartingContainer } from './container-start-error.js';
import { LoopbackContainer } from './loopback-container.js';
import type { ExecOutcome } from './container-exec.js';
import { OneShotTimeout, runOneShotContainer } from './one-shot-container.js';
import { DockerNamespaceFaults } from './namespace-faults.js';
import { ProgramReadyWaitStrategy } from './program-ready-wait-strategy.js';
import { RelayReadyWaitStrategy } from './relay-ready-wait-strategy.js';
import type { SocketIpcChannel } from './socket-ipc-channel.js';
import { sweepDeadDockerRuns } from './sweep-dead-docker-runs.js';
import { prepareTestcontainers } from './testcontainers-setup.js';

/** Where every component listens inside its container (its own network namespace). */
const COMPONENT_PORT = 8443;
const DEFAULT_READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 2_000;
const DEFAULT_ONE_SHOT_TIMEOUT_MS = 30_000;
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
 *
 * testcontainers owns each container's lifecycle: create (LoopbackContainer: name, labels, user,
 * mounts, network, port on 127.0.0.1), start, readiness (our wait strategies), and stop with
 * removal. dockerode does what testcontainers does not: the run's network, CPU from the stats
 * stream, host pids (`top`), the sweep of dead runs, and removal by name whatever state a
 * container is in (teardown, a failed start).
 */
export class DockerRuntime implements Runtime {
  readonly kind = 'docker';
  readonly bind = { host: '0.0.0.0', port: COMPONENT_PORT };
  readonly network: string;
  /** Names of the run's containers, from before their creation until their removal. */
  readonly #containers = new Set<string>();
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
    prepareTestcontainers();
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
    const node = process.execPath;
    const starting = { name: spec.name, what: spec.what, containerName: this.containerName(spec.name), logFile, dir: spec.dir };
    const readiness = new RelayReadyWaitStrategy(starting, socketPath, signal).withStartupTimeout(spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    const definition = this.#definition(NODE_IMAGE, starting)
      .withCommand([node, ...relay.execArgv, relay.modulePath, JSON.stringify(relayConfig)])
      .withWorkingDir(PACKAGE_ROOT)
      .withEnvironment({ HOME: '/tmp', NODE_ENV: 'production' })
      .withBindMounts([
        { source: node, target: node, mode: 'ro' },
        { source: PACKAGE_ROOT, target: PACKAGE_ROOT, mode: 'ro' },
        { source: this.options.workDir, target: this.options.workDir, mode: 'rw' },
        ...tsxCacheMounts(relay.execArgv),
      ])
      .withWaitStrategy(readiness);
    const started = await this.#startContainer(definition, starting, signal);
    let channel: SocketIpcChannel | undefined;
    let cpu: ContainerCpu | undefined;
    const stop = async () => {
      cpu?.stop();
      channel?.close();
      await this.#stopContainer(started, starting.containerName);
    };
    try {
      const connected = readiness.connected();
      channel = connected.channel;
      const openChannel = connected.channel;
      const container = await this.#dockerodeContainer(started, starting);
      const pids = await hostPidsOf(container);
      cpu = ContainerCpu.watch(container);
      return {
        ipc: connected.ipc,
        port: started.getMappedPort(COMPONENT_PORT),
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
    const starting = { name: spec.name, what: spec.what, containerName: this.containerName(spec.name), dir: spec.dir };
    const hostNetworkPort = spec.hostNetworkPort;
    const port = hostNetworkPort === undefined ? { container: COMPONENT_PORT } : { host: hostNetworkPort };
    const readiness = new ProgramReadyWaitStrategy(starting, port, (hostPort, polling) => spec.ready(hostPort, polling), signal).withStartupTimeout(
      spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    );
    const definition = this.#definition(image, starting, hostNetworkPort === undefined ? 'run-network' : 'host-network')
      .withCommand([...spec.command])
      .withBindMounts([{ source: this.options.workDir, target: this.options.workDir, mode: 'rw' }])
      .withWaitStrategy(readiness);
    const started = await this.#startContainer(definition, starting, signal);
    let cpu: ContainerCpu | undefined;
    let stopped = false;
    const stop = async () => {
      stopped = true;
      cpu?.stop();
      await this.#stopContainer(started, starting.containerName);
    };
    try {
      const container = await this.#dockerodeContainer(started, starting);
      const pid = (await container.inspect()).State.Pid;
      cpu = ContainerCpu.watch(container);
      const watched = cpu;
      return {
        // On the host's network the program binds 127.0.0.1 itself (its config says so).
        port: hostNetworkPort ?? started.getMappedPort(COMPONENT_PORT),
        address: hostNetworkPort === undefined ? { host: spec.name, port: COMPONENT_PORT } : { host: '127.0.0.1', port: hostNetworkPort },
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

  /**
   * A program from its image run to completion (a config checker: `nginx -t`), as startProgram
   * runs one: the harness's uid, the run folder mounted at the same path, on the run network (a
   * responder named in a config resolves as it will for the gateway), labelled as the run's so
   * that close() and the sweep of dead runs find it. Removed once it exits, times out or is aborted.
   */
  async runOnce(spec: OneShotProgramSpec, signal: AbortSignal): Promise<ExecOutcome> {
    signal.throwIfAborted();
    const image = `mtls-chaos/${spec.image}:latest`;
    await assertImagePresent(this.docker, image);
    const name = this.containerName(spec.name);
    const timeoutMs = spec.timeoutMs ?? DEFAULT_ONE_SHOT_TIMEOUT_MS;
    this.#containers.add(name);
    try {
      return await runOneShotContainer(
        this.docker,
        {
          name,
          Image: image,
          Cmd: [...spec.command],
          User: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
          Labels: { ...this.#labels, [COMPONENT_LABEL]: spec.name },
          HostConfig: { NetworkMode: this.network, Binds: [`${this.options.workDir}:${this.options.workDir}:rw`] },
        },
        { timeoutMs, signal },
      );
    } catch (error) {
      if (!(error instanceof OneShotTimeout)) throw error;
      throw new LabError('E_LAB_START', `${spec.name}: \`${spec.command.join(' ')}\` in ${image} did not finish within ${timeoutMs} ms`, {
        hint: 'a busy engine starts containers slowly: check it with `mtls-chaos doctor`, then run again',
        cause: error,
      });
    } finally {
      await this.#removeByName(name);
    }
  }

  /** What every container of the run has in common; the caller adds command, mounts and readiness. */
  /**
   * On the run network (published on the host's 127.0.0.1, reached by name), or in the host's
   * network namespace (the haproxy balancer: it must see clients' own ports, binds 127.0.0.1 itself).
   */
  #definition(image: string, starting: StartingContainer, network: 'run-network' | 'host-network' = 'run-network'): LoopbackContainer {
    const definition = new LoopbackContainer(image)
      .withName(starting.containerName)
      // The harness's uid: it owns the 0600 keys and the folder the relay's socket goes in.
      .withUser(`${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`)
      .withLabels({ ...this.#labels, [COMPONENT_LABEL]: starting.name })
      .withEarlyExitError((container) => containerStartError(starting, container, 'exited before it was ready'));
    return network === 'host-network' ? definition.withNetworkMode('host') : definition.withLoopbackPort(COMPONENT_PORT).withNetworkAlias(this.network, starting.name);
  }

  /**
   * testcontainers creates, starts and waits; a failed wait has it remove the container, and a
   * failure before the wait (create, port publication) leaves one, which we remove by name. An
   * abort that lands after the wait stops the started container.
   */
  async #startContainer(definition: LoopbackContainer, starting: StartingContainer, signal: AbortSignal): Promise<StartedTestContainer> {
    this.#containers.add(starting.containerName);
    let started: StartedTestContainer;
    try {
      started = await definition.start();
    } catch (error) {
      await this.#removeByName(starting.containerName);
      if (signal.aborted) throw signal.reason;
      if (error instanceof LabError) throw error;
      throw new LabError('E_LAB_START', `${starting.name} (${starting.what}): could not start its container ${starting.containerName}: ${(error as Error).message}`, {
        hint: 'check the engine with `mtls-chaos doctor`; `docker events` shows what it refused',
        cause: error,
      });
    }
    if (signal.aborted) {
      await this.#stopContainer(started, starting.containerName);
      throw signal.reason;
    }
    return started;
  }

  /**
   * The same container through our dockerode client, for stats and top. testcontainers picks its
   * engine itself (~/.testcontainers.properties, DOCKER_HOST, the local socket): a container ours
   * cannot see means the two disagree.
   */
  async #dockerodeContainer(started: StartedTestContainer, starting: StartingContainer): Promise<Docker.Container> {
    const container = this.docker.getContainer(started.getId());
    try {
      await container.inspect();
    } catch (error) {
      throw new LabError('E_LAB_DOCKER', `${starting.name}: testcontainers started ${starting.containerName} on an engine this harness does not reach: ${(error as Error).message}`, {
        hint: 'point DOCKER_HOST and ~/.testcontainers.properties (docker.host, tc.host) at the same engine',
        cause: error,
      });
    }
    return container;
  }

  /** Stops through testcontainers (SIGTERM, 2 s, SIGKILL) and removes; by name if that fails. Idempotent. */
  async #stopContainer(started: StartedTestContainer, name: string): Promise<void> {
    await started.stop({ timeout: STOP_GRACE_MS, remove: true }).catch(() => this.#removeByName(name));
    this.#containers.delete(name);
  }

  async #removeByName(name: string): Promise<void> {
    await this.docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => {});
    this.#containers.delete(name);
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
    await Promise.all([...this.#containers].map((name) => this.#removeByName(name)));
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
function tsxCacheMounts(execArgv: readonly string[]): { source: string; target: string; mode: 'rw' }[] {
  if (!execArgv.includes('tsx')) return [];
  const cache = join(tmpdir(), `tsx-${process.getuid?.() ?? 0}`);
  return existsSync(cache) ? [{ source: cache, target: `/tmp/tsx-${process.getuid?.() ?? 0}`, mode: 'rw' }] : [];
}
