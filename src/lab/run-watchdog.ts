import { spawn } from 'node:child_process';
import { resolveForkEntry } from './fork-entry.js';

export interface RunWatchdog {
  readonly pid: number | undefined;
  /** The run ended on its own: the watchdog goes without sweeping. */
  stop(): void;
}

/**
 * Starts the run's watchdog (processes/run-watchdog-process.ts): a detached process, outside the
 * harness's process group and session, so that it survives a SIGKILL of the harness (an OOM kill,
 * `kill -9`) and then removes the run's component processes, temp folder with keys and, with
 * `docker`, its containers and network. Only a kill of the harness and the watchdog together (a
 * machine or a CI runner torn down) leaves them for the next run's sweep or `mtls-chaos cleanup`.
 */
export function startRunWatchdog(options: { readonly docker: boolean }): RunWatchdog {
  const entry = resolveForkEntry(import.meta.url, './processes/run-watchdog-process.ts');
  const child = spawn(process.execPath, [...entry.execArgv, entry.modulePath, String(process.pid), options.docker ? 'docker' : 'local'], {
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  child.unref();
  return {
    pid: child.pid,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
