import type { Phase } from '../metrics/index.js';

/**
 * Turns the load's running totals (finished + in flight + dropped = offered so far) into
 * increments of the offered counter, each in the phase of the moment it was seen: the load
 * reports totals about once a second, not each start.
 */
export class OfferedTally {
  #seen = 0;

  constructor(private readonly inc: (phase: Phase, count: number) => void) {}

  update(offeredSoFar: number, phase: Phase): void {
    const delta = offeredSoFar - this.#seen;
    if (delta <= 0) return;
    this.#seen = offeredSoFar;
    this.inc(phase, delta);
  }
}
