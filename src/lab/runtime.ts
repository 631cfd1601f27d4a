import type { IpcClient } from './ipc.js';
import type { CpuUsageReading } from '../metrics/index.js';
import type { NetworkNamespaces } from './network-namespace-fault.js';
import type { RunRegistry } from './run-registry.js';

/** One of our Node component entries to run (src/lab/processes/*), with its config already written. */
export interface ComponentSpec {
  readonly name: string;
  /** The entry under src/lab/processes, as its TypeScript file name: 'node-gateway-process.ts'. */
  readonly entry: string;
  readonly configFile: string;
  /** The component's folder: config and log. */
  readonly dir: string;
  /** How a start error names it. */
  readonly what: string;
  readonly readyTimeoutMs?: number;
  readonly registry?: RunRegistry;
}

/** Where a component listens and how it is reached. */
export interface RunningComponent {
  readonly ipc: IpcClient;
  /** The port on 127.0.0.1 of this host that reaches the component (load, probes). */
  readonly port: number;
  /** How other components of the lab reach it: 127.0.0.1:<port> locally, <container>:<port> in docker. */
  readonly address: { readonly host: string; readonly port: number };
  /** Host pids of its processes, for CPU sampling and SIGSTOP (a container's too: they are host processes). */
  pids(): number[];
  /** Cumulative CPU of the whole component, when the runtime measures it itself (Docker stats). */
  cpuUsage?(): CpuUsageReading | undefined;
  stop(): Promise<void>;
}

/** A program other than our Node entries (nginx, haproxy, openssl ocsp), from its own image. */
export interface ProgramSpec {
  readonly name: string;
  /** The image's name under containers/: 'nginx' is mtls-chaos/nginx:latest. */
  readonly image: string;
  readonly command: readonly string[];
  /** The component's folder (logs). */
  readonly dir: string;
  readonly what: string;
  /**
   * Docker: run in the host's network namespace, listening on 127.0.0.1 at this port, instead of
   * on the run network behind a published port (the haproxy balancer, which must see clients' ports).
   */
  readonly hostNetworkPort?: number;
  /** Resolves once the program serves on this host port (e.g. a TLS handshake succeeds). */
  ready(hostPort: number, signal: AbortSignal): Promise<unknown>;
  readonly readyTimeoutMs?: number;
}

/** A program that runs to completion in its image (runtime.runOnce). */
export interface OneShotProgramSpec {
  readonly name: string;
  /** As ProgramSpec.image: 'nginx' is mtls-chaos/nginx:latest. */
  readonly image: string;
  readonly command: readonly string[];
  /** The folder the program reads (mounted at the same path). */
  readonly dir: string;
  readonly timeoutMs?: number;
}

/** The program's main process and its group, as host processes (signals, CPU, reload). */
export interface RunningProgram {
  readonly port: number;
  readonly address: { readonly host: string; readonly port: number };
  readonly pid: number;
  readonly running: boolean;
  groupPids(): number[];
  cpuUsage?(): CpuUsageReading | undefined;
  stop(): Promise<void>;
}

/**
 * Where components run: local child processes or containers. `bind` is the address a component
 * listens on inside its own world: 127.0.0.1 port 0 locally, every interface of the container's
 * own network namespace on a fixed port in docker (only published on the host's 127.0.0.1).
 */
export interface Runtime {
  readonly kind: 'local' | 'docker';
  readonly bind: { readonly host: string; readonly port: number };
  start(spec: ComponentSpec, signal: AbortSignal): Promise<RunningComponent>;
  /** Docker only: a program from its own image; the local runtime spawns programs itself. */
  startProgram?(spec: ProgramSpec, signal: AbortSignal): Promise<RunningProgram>;
  /**
   * Docker only: runs a program from its image to completion (a config checker such as `nginx -t`)
   * with the same folders mounted as startProgram, and gives its exit code and its output.
   */
  runOnce?(spec: OneShotProgramSpec, signal: AbortSignal): Promise<{ readonly exitCode: number; readonly output: string }>;
  /** Removes leftovers of dead runs; returns how many runs had some. */
  sweep(): Promise<number>;
  /** Docker only: network faults inside the components' own namespaces (the local runtime's go through the fault proxy). */
  networkNamespaces?(): NetworkNamespaces;
}
