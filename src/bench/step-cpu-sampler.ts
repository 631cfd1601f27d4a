import { OwnCpuMeter, ProcessCpuMeter } from '../metrics/index.js';

/**
 * The gateway's and the generator's CPU over one step's measured window, sampled every second
 * (or twice in a window shorter than 2 s) and once more when it stops, so that even a 1 s step
 * has samples. Percent of one core; the generator is this whole process, every worker thread.
 */
export class StepCpuSampler {
  readonly gateway: number[] = [];
  readonly generator: number[] = [];
  readonly #gatewayMeter = new ProcessCpuMeter();
  readonly #generatorMeter = new OwnCpuMeter();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly gatewayPids: () => readonly number[],
    windowMs: number,
  ) {
    this.#gatewayMeter.sample(this.gatewayPids());
    this.#generatorMeter.sample();
    this.#timer = setInterval(() => this.#sample(), Math.max(250, Math.min(1_000, windowMs / 2)));
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#sample();
  }

  #sample(): void {
    const pids = this.gatewayPids();
    const gateway = pids.length > 0 ? this.#gatewayMeter.sample(pids) : undefined;
    if (gateway !== undefined) this.gateway.push(gateway);
    this.generator.push(this.#generatorMeter.sample());
  }
}
