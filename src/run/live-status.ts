import type { FaultTimeline } from '../faults/index.js';
import type { MetricsRecorder, Phase } from '../metrics/index.js';
import type { Scenario } from '../scenario/index.js';
import { evaluateSlos, formatSloValue } from '../slo/index.js';
import type { ProgressSnapshot } from './progress-line.js';

/** One SLO as it stands so far: met, breached, or not judgeable yet (its phase has not come, no recovery yet). */
export interface LiveSlo {
  readonly expression: string;
  readonly scope: 'run' | Phase;
  readonly state: 'met' | 'breached' | 'pending';
  /** The value so far, formatted; undefined while pending. */
  readonly measured?: string;
}

/** What the live view shows each second while a drill runs. */
export interface LiveStatus extends ProgressSnapshot {
  readonly scenario: string;
  readonly phase: Phase;
  /** Faults injected and not healed yet, with when they were injected (ms after load start). */
  readonly activeFaults: readonly { readonly label: string; readonly sinceMs: number }[];
  readonly slos: readonly LiveSlo[];
}

/**
 * Builds the live status from what the run already holds: the recorder's measurements so far and
 * the fault timeline. SLOs are judged with the same code as the final verdict, on the evidence so
 * far; one with no evidence yet is pending, not breached.
 */
export function liveStatus(snapshot: ProgressSnapshot, scenario: Scenario, timeline: FaultTimeline, recorder: MetricsRecorder): LiveStatus {
  const elapsedMs = snapshot.progress.elapsedMs;
  const measured = recorder.liveSnapshot(elapsedMs);
  const faults = timeline.records();
  const verdicts = evaluateSlos(
    scenario.slos.map(({ parsed, scope }) => ({ slo: parsed, scope })),
    { ...measured, phases: timeline.phaseWindows(elapsedMs), faults },
  );
  return {
    ...snapshot,
    scenario: scenario.name,
    phase: timeline.phaseAt(elapsedMs),
    activeFaults: faults
      .filter((fault) => fault.injectedAtMs !== undefined && fault.healedAtMs === undefined)
      .map((fault) => ({ label: `${fault.kind}: ${fault.description}`, sinceMs: fault.injectedAtMs! })),
    slos: verdicts.map((verdict) => ({
      expression: verdict.expression,
      scope: verdict.scope,
      state: verdict.measured === undefined ? 'pending' : verdict.passed ? 'met' : 'breached',
      ...(verdict.measured === undefined ? {} : { measured: formatSloValue(verdict.measured, verdict.unit, verdict.resolutionMs) }),
    })),
  };
}
