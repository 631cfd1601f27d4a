import { LabError } from '../lab/index.js';
import { faultDefinition } from './registry.js';
import type { TimelineEntry } from './timeline-entry.js';

/**
 * Refuses, before anything starts, a fault the chosen runtime cannot host (e.g. packet loss on
 * the local runtime), naming the fault and the runtime that can. E_LAB_RUNTIME, exit code 2.
 */
export function assertRuntimeHostsFaults(faults: readonly TimelineEntry[], runtime: 'local' | 'docker', file?: string): void {
  faults.forEach((entry, index) => {
    const definition = faultDefinition(entry.kind);
    const needed = definition.requiresRuntime?.(entry.options);
    if (!needed || needed.runtime === runtime) return;
    const fault = definition.create(entry.options);
    throw new LabError('E_LAB_RUNTIME', `fault ${index + 1} (${entry.kind}: ${fault.describe()}) needs the ${needed.runtime} runtime: ${needed.why}`, {
      ...(file ? { file } : {}),
      path: ['faults', index],
      hint: `run it with --runtime ${needed.runtime} (or runtime: ${needed.runtime} in the scenario)`,
    });
  });
}
