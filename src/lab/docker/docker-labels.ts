/**
 * Labels on everything a run creates in Docker (containers, networks): Ryuk cannot be pulled
 * here, so the harness finds and removes its own leftovers by these.
 */
export const RUN_ID_LABEL = 'mtls-chaos.run-id';
/** The harness process that owns the run: when it is gone, the run's leftovers are swept. */
export const OWNER_PID_LABEL = 'mtls-chaos.pid';
export const COMPONENT_LABEL = 'mtls-chaos.component';

export function runLabels(runId: string, ownerPid: number = process.pid): Record<string, string> {
  return { [RUN_ID_LABEL]: runId, [OWNER_PID_LABEL]: String(ownerPid) };
}
