import { randomBytes } from 'node:crypto';

/**
 * A run's identity: sortable by time, unique across parallel runs. It labels processes,
 * containers, temp directories and the output folder, so leftovers can be traced to their run.
 */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
