import { formatDuration } from '../duration.js';
import type { TimelineEntry } from '../faults/index.js';

/**
 * Two faults of the same kind on the same target cannot be active at once: they act on the same
 * thing (the gateway's processes, the responder's mode, a link's one toxic), so the first heal
 * would undo the second while the timeline still calls it active. Network faults on different
 * links are independent.
 *
 * Each fault that overlaps an earlier one (by its place in the list) is reported once, against
 * the first such earlier fault. Pairwise that is quadratic (20,000 faults took 16 s); here each
 * fault, in list order, claims the later faults it overlaps that no earlier fault claimed, found
 * in a segment tree of interval ends over the faults sorted by start: O(n log n) in all.
 */
export function checkFaultOverlaps(faults: readonly TimelineEntry[], report: (index: number, message: string) => void): void {
  const groups = new Map<string, number[]>();
  faults.forEach((fault, index) => {
    const target = targetOf(fault);
    const group = groups.get(target);
    if (group) group.push(index);
    else groups.set(target, [index]);
  });
  const firstOverlapped = new Map<number, number>();
  for (const indexes of groups.values()) {
    if (indexes.length < 2) continue;
    for (const [index, earlier] of firstEarlierOverlaps(indexes.map((index) => ({ index, startMs: faults[index]!.atMs, endMs: endOf(faults[index]!) })))) {
      firstOverlapped.set(index, earlier);
    }
  }
  for (const [index, earlier] of [...firstOverlapped].sort(([a], [b]) => a - b)) {
    const fault = faults[index]!;
    report(
      index,
      `expected no overlap with faults.${earlier} (${targetOf(fault)}, from ${formatDuration(faults[earlier]!.atMs)}), got one from ${formatDuration(fault.atMs)}: ` +
        'two faults of the same kind on the same target cannot be active at once (the first heal would undo the second); move it after the first heals',
    );
  }
}

function targetOf(fault: TimelineEntry): string {
  const link = (fault.options as { link?: unknown } | undefined)?.link;
  return typeof link === 'string' ? `${fault.kind} on link ${link}` : fault.kind;
}

/** A fault without `for` stays until the run ends. */
function endOf(fault: TimelineEntry): number {
  return fault.forMs === undefined ? Number.POSITIVE_INFINITY : fault.atMs + fault.forMs;
}

interface Window {
  /** The fault's place in the scenario's list. */
  readonly index: number;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * For windows given in list order: each window that overlaps ([a, b) and [c, d) overlap when
 * a < d and c < b) an earlier one, with the first earlier one it overlaps.
 */
function firstEarlierOverlaps(windows: readonly Window[]): Map<number, number> {
  const byStart = [...windows].sort((a, b) => a.startMs - b.startMs);
  const positionOf = new Map(byStart.map((window, position) => [window.index, position]));
  const ends = new MaxTree(byStart.map((window) => window.endMs));
  const claimed = new Map<number, number>();
  for (const window of windows) {
    ends.remove(positionOf.get(window.index)!);
    // Windows still in the tree come later in the list and are unclaimed; those starting before
    // this one ends are a prefix of the start order, and of them those ending after it starts overlap.
    const startingBefore = countBelow(byStart, window.endMs);
    for (const position of ends.takeAbove(startingBefore, window.startMs)) claimed.set(byStart[position]!.index, window.index);
  }
  return claimed;
}

/** How many windows (sorted by start) start strictly before `ms`. */
function countBelow(byStart: readonly Window[], ms: number): number {
  let low = 0;
  let high = byStart.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (byStart[middle]!.startMs < ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A segment tree of the largest value over position ranges; removed positions hold -Infinity. */
class MaxTree {
  readonly #size: number;
  readonly #max: number[];

  constructor(values: readonly number[]) {
    // A power of two, so that node n covers a contiguous range and its children split it in half.
    let size = 1;
    while (size < values.length) size *= 2;
    this.#size = size;
    this.#max = new Array<number>(2 * this.#size).fill(Number.NEGATIVE_INFINITY);
    values.forEach((value, position) => (this.#max[this.#size + position] = value));
    for (let node = this.#size - 1; node > 0; node--) this.#max[node] = Math.max(this.#max[2 * node]!, this.#max[2 * node + 1]!);
  }

  remove(position: number): void {
    let node = this.#size + position;
    this.#max[node] = Number.NEGATIVE_INFINITY;
    for (node >>= 1; node > 0; node >>= 1) this.#max[node] = Math.max(this.#max[2 * node]!, this.#max[2 * node + 1]!);
  }

  /** Removes and returns every position below `limit` whose value is above `floor`. */
  takeAbove(limit: number, floor: number): number[] {
    const found: number[] = [];
    const visit = (node: number, from: number, to: number): void => {
      if (from >= limit || !(this.#max[node]! > floor)) return;
      if (node >= this.#size) {
        found.push(node - this.#size);
        return;
      }
      const middle = (from + to) >>> 1;
      visit(2 * node, from, middle);
      visit(2 * node + 1, middle, to);
    };
    visit(1, 0, this.#size);
    for (const position of found) this.remove(position);
    return found;
  }
}
