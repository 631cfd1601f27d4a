import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_METRICS_HOST = '127.0.0.1';

/**
 * Parses `--metrics-listen [HOST:]PORT` (IPv6 as `[::1]:PORT`). Only loopback: the series name
 * every client identity and certificate subject of the lab, and the harness serves them
 * without TLS or authentication, so they never leave the machine (a remote Prometheus gets
 * them by --prometheus-rw, which the user points somewhere on purpose).
 */
export function parseListenAddress(value: string, flag = '--metrics-listen'): ListenAddress {
  const match = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(value.trim());
  const hint = `e.g. ${flag} 9464 or ${flag} 127.0.0.1:0 (port 0: any free port, printed when bound)`;
  if (!match) throw new UsageError('E_CLI_FLAG', `${flag}: expected [HOST:]PORT, got "${value}"`, { hint });
  const port = Number(match[2]);
  if (port > 65_535) throw new UsageError('E_CLI_FLAG', `${flag}: port must be 0..65535, got ${port}`, { hint });
  const rawHost = match[1] ?? DEFAULT_METRICS_HOST;
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost === 'localhost' ? DEFAULT_METRICS_HOST : rawHost;
  if (!isLoopback(host)) {
    throw new UsageError('E_CLI_FLAG', `${flag}: expected a loopback address (127.0.0.1, ::1, localhost), got "${rawHost}"`, {
      hint: `the metrics name the lab's identities and are served without TLS: listen on loopback (${flag} 127.0.0.1:${port}); to reach a remote Prometheus use --prometheus-rw URL`,
    });
  }
  return { host, port };
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
