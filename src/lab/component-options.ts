import type { RunRegistry } from './run-registry.js';
import type { Runtime } from './runtime.js';

/** What every lab component is started with, whatever it runs (a forked Node process, nginx). */
export interface ComponentOptions {
  /** Names its processes, log files and, for a gateway, the x-mtls-chaos-replica header. */
  readonly name: string;
  /** The component's own folder: its config and logs. */
  readonly dir: string;
  readonly signal: AbortSignal;
  readonly registry?: RunRegistry;
  readonly readyTimeoutMs?: number;
  /** Where it runs; local child processes when omitted. */
  readonly runtime?: Runtime;
}
