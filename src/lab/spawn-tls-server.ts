import { awaitReady, SupervisedProcess } from './child-process-supervisor.js';
import type { RunRegistry } from './run-registry.js';
import { waitForTlsHandshake } from './wait-for-tls.js';

/**
 * A local TLS server binary (nginx, haproxy) supervised in its own process group, ready once a
 * TLS handshake on 127.0.0.1:port completes. If it is not ready in time, or exits first, it is
 * stopped and the error (E_LAB_START with its log's tail) is thrown: the caller reads the log to
 * decide whether the port was taken and it should try another.
 */
export async function spawnTlsServer(options: {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logDir: string;
  readonly port: number;
  /** How a start error names it: "gateway/nginx on 127.0.0.1:4443". */
  readonly what: string;
  readonly signal: AbortSignal;
  readonly registry?: RunRegistry;
  readonly readyTimeoutMs?: number;
}): Promise<SupervisedProcess> {
  const proc = await SupervisedProcess.start({
    name: options.name,
    launch: { kind: 'spawn', command: options.command, args: options.args },
    logDir: options.logDir,
    // SIGTERM: nginx's fast shutdown, haproxy's hard stop; the group goes with the leader anyway.
    stopSignal: 'SIGTERM',
    ...(options.registry ? { registry: options.registry } : {}),
  });
  const polling = new AbortController();
  try {
    await awaitReady(proc, waitForTlsHandshake(options.port, polling.signal), {
      timeoutMs: options.readyTimeoutMs ?? 15_000,
      signal: options.signal,
      what: options.what,
    });
    return proc;
  } catch (error) {
    await proc.stop();
    throw error;
  } finally {
    polling.abort();
  }
}
