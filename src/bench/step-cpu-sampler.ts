import { OwnCpuMeter, ProcessCpuMeter } from '../metrics/index.js';
import { machineLoadBetween, readMachineSnapshot, type MachineLoad, type MachineSnapshot } from './machine-load.js';

/**
 * The gateway's and the generator's CPU over one step's measured window, sampled every second
 * (or twice in a window shorter than 2 s) and once more when it stops, so that even a 1 s step
 * has samples. Percent of one core; the generator is this whole process, every worker thread.
 * The machine's load, CPU and steal are read at the window's two ends.
 */
export class StepCpuSampler {
  readonly gateway: number[] = [];
  readonly generator: number[] = [];
  readonly #gatewayMeter = new ProcessCpuMeter();
  readonly #generatorMeter = new OwnCpuMeter();
  readonly #timer: NodeJS.Timeout;
  readonly #machineAtStart: MachineSnapshot = readMachineSnapshot();
  #machine: MachineLoad | undefined;

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
    if (this.#machine) return;
    clearInterval(this.#timer);
    this.#sample();
    this.#machine = machineLoadBetween(this.#machineAtStart, readMachineSnapshot());
  }

  /** The machine over the window; read after stop(). */
  get machine(): MachineLoad {
    return this.#machine ?? machineLoadBetween(this.#machineAtStart, readMachineSnapshot());
  }

  #sample(): void {
    const pids = this.gatewayPids();
    const gateway = pids.length > 0 ? this.#gatewayMeter.sample(pids) : undefined;
    if (gateway !== undefined) this.gateway.push(gateway);
    this.generator.push(this.#generatorMeter.sample());
  }
}
