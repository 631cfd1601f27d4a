import { awaitReady, SupervisedProcess } from '../child-process-supervisor.js';
import type { ComponentOptions } from '../component-options.js';
import { resolveForkEntry } from '../fork-entry.js';
import { IpcClient } from '../ipc.js';

export interface ForkedComponentOptions extends ComponentOptions {
  /** The entry under src/lab/processes, as its TypeScript file name: 'node-gateway-process.ts'. */
  readonly entry: string;
  /** Its config file, already written; the child's only argument. */
  readonly configFile: string;
  /** How a start error names it: 'gateway/node on 127.0.0.1, port chosen by itself'. */
  readonly what: string;
}

export interface ForkedComponent {
  readonly proc: SupervisedProcess;
  readonly ipc: IpcClient;
  /** The port the child bound on 127.0.0.1 and reported over IPC. */
  readonly port: number;
}

const DEFAULT_READY_TIMEOUT_MS = 15_000;

/**
 * Forks one of our own process entries as a supervised child and waits until it reports its port
 * over IPC; a child that is not ready in time, dies or is aborted is stopped before this rejects.
 */
export async function startForkedComponent(options: ForkedComponentOptions): Promise<ForkedComponent> {
  const entry = resolveForkEntry(import.meta.url, `../processes/${options.entry}`);
  const proc = await SupervisedProcess.start({
    name: options.name,
    launch: { kind: 'fork', modulePath: entry.modulePath, execArgv: entry.execArgv, args: [options.configFile] },
    logDir: options.dir,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  const ipc = new IpcClient(proc.child, options.name);
  try {
    const port = await awaitReady(proc, ipc.ready(), {
      timeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      signal: options.signal,
      what: options.what,
    });
    return { proc, ipc, port };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}
