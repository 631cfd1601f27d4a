import type Docker from 'dockerode';
import type { CpuUsageReading } from '../../metrics/index.js';

interface StatsFrame {
  readonly read?: string;
  readonly cpu_stats?: { readonly cpu_usage?: { readonly total_usage?: number } };
}



/**
 * A container's cumulative CPU time from the Docker stats API (its cgroup's cpuacct usage), kept
 * from the engine's once-a-second stream so that a sampler can read it synchronously.
 */
export class ContainerCpu {
  #latest: CpuUsageReading | undefined;
  #stream: NodeJS.ReadableStream | undefined;
  #stopped = false;

  static watch(container: Docker.Container): ContainerCpu {
    const cpu = new ContainerCpu();
    container.stats({ stream: true }).then(
      (stream) => {
        if (cpu.#stopped) {
          (stream as unknown as { destroy(): void }).destroy();
          return;
        }
        cpu.#stream = stream;
        let buffered = '';
        stream.on('data', (chunk: Buffer) => {
          buffered += chunk.toString('utf8');
          let newline: number;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (!line) continue;
            try {
              const frame = JSON.parse(line) as StatsFrame;
              const total = frame.cpu_stats?.cpu_usage?.total_usage;
              const readAtMs = frame.read ? Date.parse(frame.read) : Number.NaN;
              if (typeof total === 'number' && Number.isFinite(readAtMs)) cpu.#latest = { totalNs: total, readAtMs };
            } catch {
              // a partial frame: the next one will do
            }
          }
        });
        stream.on('error', () => {});
      },
      () => {},
    );
    return cpu;
  }

  /** CPU the container has used, as of the engine's latest frame (about one a second). */
  latest(): CpuUsageReading | undefined {
    return this.#latest;
  }

  stop(): void {
    this.#stopped = true;
    (this.#stream as unknown as { destroy?(): void } | undefined)?.destroy?.();
  }
}
