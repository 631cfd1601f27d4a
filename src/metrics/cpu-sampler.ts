import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU of other processes (the gateway: one node process, or an nginx master and its workers),
 * read from /proc/<pid>/stat, as percent of one core since the previous sample (200 = two cores).
 * Pids may come and go between samples (nginx replaces its workers on reload): a pid seen for the
 * first time counts in full only if it started after the previous sample, otherwise it has no
 * baseline yet and counts from the next sample; the last partial second of a pid that exited is
 * lost, because /proc forgets it.
 */
export class ProcessCpuMeter {
  readonly #ticksPerSecond: number;
  readonly #procRoot: string;
  readonly #nowMs: () => number;
  #previousTicks = new Map<number, number>();
  #previousAtSeconds: number | undefined;
  #previousUptimeSeconds: number | undefined;

  constructor(options: { clockTicksPerSecond?: number; procRoot?: string; nowMs?: () => number } = {}) {
    this.#ticksPerSecond = options.clockTicksPerSecond ?? clockTicksPerSecond();
    this.#procRoot = options.procRoot ?? '/proc';
    this.#nowMs = options.nowMs ?? (() => performance.now());
  }

  /** Percent of one core used by `pids` since the previous call; undefined on the first call or when no pid could be read. */
  sample(pids: readonly number[]): number | undefined {
    const atSeconds = this.#nowMs() / 1_000;
    const uptimeSeconds = this.#readUptimeSeconds();
    const ticks = new Map<number, { ticks: number; startedAtUptimeSeconds: number }>();
    for (const pid of new Set(pids)) {
      const stat = this.#readStat(pid);
      if (stat) ticks.set(pid, stat);
    }
    let percent: number | undefined;
    if (this.#previousAtSeconds !== undefined && ticks.size > 0) {
      let deltaTicks = 0;
      for (const [pid, now] of ticks) {
        const before = this.#previousTicks.get(pid);
        if (before !== undefined) deltaTicks += Math.max(0, now.ticks - before);
        else if (this.#previousUptimeSeconds !== undefined && now.startedAtUptimeSeconds >= this.#previousUptimeSeconds) deltaTicks += now.ticks;
      }
      const elapsedSeconds = atSeconds - this.#previousAtSeconds;
      percent = elapsedSeconds > 0 ? (100 * deltaTicks) / this.#ticksPerSecond / elapsedSeconds : 0;
    }
    this.#previousTicks = new Map([...ticks].map(([pid, stat]) => [pid, stat.ticks]));
    this.#previousAtSeconds = atSeconds;
    this.#previousUptimeSeconds = uptimeSeconds;
    return percent;
  }

  #readStat(pid: number): { ticks: number; startedAtUptimeSeconds: number } | undefined {
    let text: string;
    try {
      text = readFileSync(`${this.#procRoot}/${pid}/stat`, 'utf8');
    } catch {
      return undefined; // exited, or not ours to read
    }
    // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime 15, starttime 22 (proc(5)).
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const starttime = Number(fields[19]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return { ticks: utime + stime, startedAtUptimeSeconds: starttime / this.#ticksPerSecond };
  }

  #readUptimeSeconds(): number | undefined {
    try {
      return Number(readFileSync(`${this.#procRoot}/uptime`, 'utf8').split(' ')[0]);
    } catch {
      return undefined;
    }
  }
}

/**
 * The generator's own CPU (this process, every thread of it) from process.cpuUsage(), as percent
 * of one core since the previous call. The first call measures from construction.
 */
export class OwnCpuMeter {
  #previousUsage = process.cpuUsage();
  #previousAtSeconds = monotonicSeconds();

  sample(): number {
    const atSeconds = monotonicSeconds();
    const usage = process.cpuUsage(this.#previousUsage);
    const elapsedSeconds = atSeconds - this.#previousAtSeconds;
    this.#previousUsage = process.cpuUsage();
    this.#previousAtSeconds = atSeconds;
    return elapsedSeconds > 0 ? (usage.user + usage.system) / 1e6 / elapsedSeconds * 100 : 0;
  }
}

/** Cumulative CPU of a component and when it was read (Docker stats: the engine's clock, about once a second). */
export interface CpuUsageReading {
  readonly totalNs: number;
  readonly readAtMs: number;
}

/**
 * Percent of one core between two cumulative readings; undefined until a newer reading arrives,
 * so that a stream slower than the sampler never yields a fake 0 % followed by a double figure.
 */
export class CumulativeCpuMeter {
  #previous: CpuUsageReading | undefined;

  sample(reading: CpuUsageReading | undefined): number | undefined {
    if (!reading) return undefined;
    const previous = this.#previous;
    if (previous && reading.readAtMs <= previous.readAtMs) return undefined;
    this.#previous = reading;
    if (!previous) return undefined;
    const elapsedMs = reading.readAtMs - previous.readAtMs;
    return (Math.max(0, reading.totalNs - previous.totalNs) / 1e6 / elapsedMs) * 100;
  }
}

export interface CpuSamplingOptions {
  /** The gateway's pids now (asked each sample: workers come and go). Empty when not local. */
  gatewayPids: () => readonly number[];
  /** When the gateway's runtime measures its CPU itself (Docker stats), used instead of its pids. */
  gatewayCpuUsage?: () => CpuUsageReading | undefined;
  intervalMs?: number;
  /** `second`: whole seconds from the start of sampling to the start of the sampled interval. */
  onSample(second: number, gatewayPercent: number | undefined, generatorPercent: number): void;
  signal?: AbortSignal;
  clockTicksPerSecond?: number;
}

/**
 * Samples the gateway's and the generator's CPU every interval until stopped or aborted.
 * Start it when the load starts so that its seconds line up with the timeline's. Returns stop().
 */
export function startCpuSampling(options: CpuSamplingOptions): () => void {
  const intervalMs = options.intervalMs ?? 1_000;
  const gateway = new ProcessCpuMeter({ clockTicksPerSecond: options.clockTicksPerSecond });
  const generator = new OwnCpuMeter();
  const cumulative = new CumulativeCpuMeter();
  const gatewayPercentNow = (): number | undefined =>
    options.gatewayCpuUsage ? cumulative.sample(options.gatewayCpuUsage()) : gateway.sample(options.gatewayPids());
  gatewayPercentNow();
  // The n-th sample covers [n, n+1) intervals since the start: count, rather than read the
  // clock, so that timer jitter never puts two samples in one second or skips one.
  let index = 0;
  const tick = (): void => {
    const gatewayPercent = gatewayPercentNow();
    const generatorPercent = generator.sample();
    const second = Math.floor((index * intervalMs) / 1_000);
    index += 1;
    options.onSample(second, gatewayPercent, generatorPercent);
  };
  const timer = setInterval(tick, intervalMs);
  // Sampling must never be what keeps a finished run's process alive.
  timer.unref();
  const stop = (): void => {
    clearInterval(timer);
    options.signal?.removeEventListener('abort', stop);
  };
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener('abort', stop, { once: true });
  return stop;
}

let cachedClockTicksPerSecond: number | undefined;

/** sysconf(_SC_CLK_TCK): 100 on every Linux we know of, asked once in case one differs. */
export function clockTicksPerSecond(): number {
  if (cachedClockTicksPerSecond === undefined) {
    let ticks = 100;
    try {
      const answer = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2_000 }).trim());
      if (Number.isInteger(answer) && answer > 0) ticks = answer;
    } catch {
      // no getconf: keep the Linux default
    }
    cachedClockTicksPerSecond = ticks;
  }
  return cachedClockTicksPerSecond;
}

function monotonicSeconds(): number {
  return performance.now() / 1_000;
}
