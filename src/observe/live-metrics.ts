import { Registry } from 'prom-client';
import type { ListenAddress } from './listen-address.js';
import { startMetricsListener, type MetricsListener } from './metrics-listener.js';
import { startRemoteWritePusher, type RemoteWritePusher } from './remote-write-pusher.js';
import { RunMetrics } from './run-metrics.js';

export interface LiveMetricsOptions {
  /** `--metrics-listen`: serve GET /metrics here (loopback, parsed by parseListenAddress). */
  readonly listen?: ListenAddress;
  /** `--prometheus-rw`: push the same series here. */
  readonly remoteWriteUrl?: URL;
  readonly pushIntervalMs?: number;
  /** Where the pusher's one warning goes. */
  readonly warn: (line: string) => void;
}

/**
 * The live view of a run for Prometheus: the run's series (RunMetrics), served and/or pushed.
 * Started by the CLI before the run (so the bound address is printed first), fed by the run,
 * settled by the run before it returns, closed by the CLI.
 */
export class LiveMetrics {
  private constructor(
    readonly metrics: RunMetrics,
    readonly listener: MetricsListener | undefined,
    private readonly pusher: RemoteWritePusher | undefined,
  ) {}

  static async start(options: LiveMetricsOptions, metrics = new RunMetrics()): Promise<LiveMetrics> {
    const listener = options.listen
      ? await startMetricsListener(options.listen, () => metrics.exposition(), Registry.PROMETHEUS_CONTENT_TYPE)
      : undefined;
    const pusher = options.remoteWriteUrl
      ? startRemoteWritePusher({
          url: options.remoteWriteUrl,
          registry: metrics.registry,
          warn: options.warn,
          ...(options.pushIntervalMs === undefined ? {} : { intervalMs: options.pushIntervalMs }),
        })
      : undefined;
    return new LiveMetrics(metrics, listener, pusher);
  }

  /**
   * The run's last numbers reach Prometheus before the run returns: the listener waits for one
   * more scrape (bounded, see MetricsListener.awaitNextScrape; not after an abort), the pusher
   * makes its final push. Without this, a scrape every 15 s would miss up to 15 s of the run's
   * end and PromQL sums would fall short of result.json's counts.
   */
  async settle(signal?: AbortSignal): Promise<void> {
    await Promise.all([this.listener?.awaitNextScrape(signal), this.pusher?.stop()]);
  }

  async close(): Promise<void> {
    await Promise.all([this.pusher?.stop(), this.listener?.close()]);
  }
}
