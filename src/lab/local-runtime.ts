import { awaitReady, SupervisedProcess } from './child-process-supervisor.js';
import { resolveForkEntry } from './fork-entry.js';
import { IpcClient } from './ipc.js';
import type { ComponentSpec, RunningComponent, Runtime } from './runtime.js';
import { sweepDeadRuns } from './sweep-dead-runs.js';

const DEFAULT_READY_TIMEOUT_MS = 15_000;

/**
 * The default runtime: each component a supervised child process of the harness, forked from
 * src/lab/processes, reporting over IPC the port it bound on 127.0.0.1 itself (port 0: no race).
 */
export class LocalRuntime implements Runtime {
  readonly kind = 'local';
  readonly bind = { host: '127.0.0.1', port: 0 };

  async start(spec: ComponentSpec, signal: AbortSignal): Promise<RunningComponent> {
    const entry = resolveForkEntry(import.meta.url, `./processes/${spec.entry}`);
    const proc = await SupervisedProcess.start({
      name: spec.name,
      launch: { kind: 'fork', modulePath: entry.modulePath, execArgv: entry.execArgv, args: [spec.configFile] },
      logDir: spec.dir,
      ...(spec.registry ? { registry: spec.registry } : {}),
    });
    const ipc = new IpcClient(proc.child, spec.name);
    try {
      const port = await awaitReady(proc, ipc.ready(), {
        timeoutMs: spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
        signal,
        what: spec.what,
      });
      return {
        ipc,
        port,
        address: { host: '127.0.0.1', port },
        pids: () => (proc.running ? [proc.pid] : []),
        stop: () => proc.stop(),
      };
    } catch (error) {
      await proc.stop();
      throw error;
    }
  }

  async sweep(): Promise<number> {
    return (await sweepDeadRuns()).runs;
  }
}

export const localRuntime = new LocalRuntime();
