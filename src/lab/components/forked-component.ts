import type { ComponentOptions } from '../component-options.js';
import type { IpcClient } from '../ipc.js';
import { localRuntime } from '../local-runtime.js';
import type { RunningComponent } from '../runtime.js';

export interface ForkedComponentOptions extends ComponentOptions {
  /** The entry under src/lab/processes, as its TypeScript file name: 'node-gateway-process.ts'. */
  readonly entry: string;
  /** Its config file, already written; the child's only argument. */
  readonly configFile: string;
  /** How a start error names it: 'gateway/node on 127.0.0.1, port chosen by itself'. */
  readonly what: string;
}

export interface ForkedComponent {
  /** What runs it: a child process or a container. */
  readonly proc: { readonly running: boolean; pids(): number[]; stop(): Promise<void> };
  readonly ipc: IpcClient;
  /** The port on the host's 127.0.0.1 that reaches it. */
  readonly port: number;
  readonly running: RunningComponent;
}

/**
 * Starts one of our own Node component entries on the options' runtime (a local child process by
 * default, or a container) and waits until it reports its port; a component that is not ready in
 * time, dies or is aborted is stopped before this rejects.
 */
export async function startForkedComponent(options: ForkedComponentOptions): Promise<ForkedComponent> {
  const runtime = options.runtime ?? localRuntime;
  const running = await runtime.start(
    {
      name: options.name,
      entry: options.entry,
      configFile: options.configFile,
      dir: options.dir,
      what: options.what,
      ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
      ...(options.registry ? { registry: options.registry } : {}),
    },
    options.signal,
  );
  let stopped = false;
  const proc = {
    get running() {
      return !stopped && running.pids().length > 0;
    },
    pids: () => running.pids(),
    stop: async () => {
      stopped = true;
      await running.stop();
    },
  };
  return { proc, ipc: running.ipc, port: running.port, running };
}
