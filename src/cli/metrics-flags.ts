import { Option } from 'commander';
import { LiveMetrics, parseListenAddress, parseRemoteWriteUrl, type ListenAddress } from '../observe/index.js';
import { printErr } from './print.js';
import { visibleText } from '../visible-text.js';

/** The flags `run` and `bench` share for live Prometheus series (README, "Watching a game day"). */
export interface MetricsFlags {
  metricsListen?: string;
  prometheusRw?: string;
}

export function metricsListenOption(): Option {
  return new Option(
    '--metrics-listen <[host:]port>',
    'serve live Prometheus metrics at http://host:port/metrics while it runs (loopback only; default host 127.0.0.1; port 0: any free port, printed)',
  );
}

export function prometheusRwOption(): Option {
  return new Option(
    '--prometheus-rw <url>',
    'push the same series by Prometheus remote write to <url> every second and once at the end (e.g. http://127.0.0.1:9090/api/v1/write)',
  );
}

export interface ParsedMetricsFlags {
  readonly listen?: ListenAddress;
  readonly remoteWriteUrl?: URL;
}

/** Checked with the other flags, before anything starts (exit 2 naming the flag). */
export function parseMetricsFlags(flags: MetricsFlags): ParsedMetricsFlags {
  return {
    ...(flags.metricsListen === undefined ? {} : { listen: parseListenAddress(flags.metricsListen) }),
    ...(flags.prometheusRw === undefined ? {} : { remoteWriteUrl: parseRemoteWriteUrl(flags.prometheusRw) }),
  };
}

/** Starts the listener and the pusher when asked, and says on stderr where the metrics are. */
export async function startLiveMetrics(parsed: ParsedMetricsFlags): Promise<LiveMetrics | undefined> {
  if (!parsed.listen && !parsed.remoteWriteUrl) return undefined;
  const live = await LiveMetrics.start({ ...parsed, warn: (line) => printErr(`${line}\n`) });
  if (live.listener) printErr(`metrics  ${live.listener.url}\n`);
  if (parsed.remoteWriteUrl) printErr(`metrics  remote write to ${visibleText(withoutCredentials(parsed.remoteWriteUrl))}\n`);
  return live;
}

function withoutCredentials(url: URL): string {
  const shown = new URL(url.href);
  shown.password = shown.password ? '***' : '';
  return shown.href;
}
