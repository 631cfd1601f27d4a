import type { AttemptRecord, Phase } from '../metrics/index.js';
import type { FaultRecord } from '../result/index.js';
import type { Fault, FaultContext, FaultEffect, PrepareContext } from './fault.js';
import { faultDefinition } from './registry.js';
import type { TimelineEntry } from './timeline-entry.js';

interface ScheduledFault {
  readonly entry: TimelineEntry;
  readonly fault: Fault;
  injectedAtMs?: number;
  healedAtMs?: number;
  /** The inject in progress: a heal waits for it (a short fault may heal before its inject ends). */
  injecting?: Promise<void>;
  error?: string;
  effect?: FaultEffect;
  /** When (ms after load start) the first attempt showing the effect ended. */
  effectSeenAtMs?: number;
  /** Its heal failed on a system the lab does not own (Fault.actsOutsideLab). */
  mayBeLeftBroken?: true;
}

/**
 * Runs a scenario's faults on the load's clock: inject at `at`, heal at `at + for`, and heal
 * whatever is still active when the run ends or is aborted. Phases follow the planned times
 * (baseline before the first injection, fault while one is active, recovery after the last
 * heal), so an attempt's phase does not depend on how long an inject took.
 */
export class FaultTimeline {
  private readonly scheduled: ScheduledFault[];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending = new Set<Promise<void>>();
  private loadStartMs = 0;

  /** `createFault` is the registry's factory; tests pass their own. */
  constructor(
    entries: readonly TimelineEntry[],
    createFault: (entry: TimelineEntry) => Fault = (entry) => faultDefinition(entry.kind).create(entry.options),
  ) {
    this.scheduled = [...entries].sort((a, b) => a.atMs - b.atMs).map((entry) => ({ entry, fault: createFault(entry) }));
  }

  get isEmpty(): boolean {
    return this.scheduled.length === 0;
  }

  /** Where the run is at `ms` after the load started, by the planned times. */
  phaseAt(ms: number): Phase {
    if (this.scheduled.length === 0) return 'baseline';
    const firstInject = Math.min(...this.scheduled.map(({ entry }) => entry.atMs));
    if (ms < firstInject) return 'baseline';
    const active = this.scheduled.some(({ entry }) => ms >= entry.atMs && (entry.forMs === undefined || ms < entry.atMs + entry.forMs));
    return active ? 'fault' : 'recovery';
  }

  /** An attempt that overlapped a fault window is the fault's; otherwise the phase it was due in. */
  phaseOfAttempt(scheduledAtMs: number, endMs: number): Phase {
    const overlapsFault = this.scheduled.some(
      ({ entry }) => endMs >= entry.atMs && (entry.forMs === undefined || scheduledAtMs < entry.atMs + entry.forMs),
    );
    return overlapsFault ? 'fault' : this.phaseAt(scheduledAtMs);
  }

  /** Planned phase windows over a load of `durationMs`, for the result. */
  phaseWindows(durationMs: number): { phase: Phase; startMs: number; endMs: number }[] {
    const boundaries = new Set<number>([0, durationMs]);
    for (const { entry } of this.scheduled) {
      boundaries.add(Math.min(entry.atMs, durationMs));
      if (entry.forMs !== undefined) boundaries.add(Math.min(entry.atMs + entry.forMs, durationMs));
    }
    const points = [...boundaries].sort((a, b) => a - b);
    const windows: { phase: Phase; startMs: number; endMs: number }[] = [];
    for (let index = 0; index + 1 < points.length; index++) {
      const startMs = points[index]!;
      const endMs = points[index + 1]!;
      if (endMs <= startMs) continue;
      const phase = this.phaseAt(startMs);
      const last = windows.at(-1);
      if (last && last.phase === phase) last.endMs = endMs;
      else windows.push({ phase, startMs, endMs });
    }
    return windows;
  }

  /** When the last fault is planned to heal (ms after load start); undefined if one stays. */
  plannedHealMs(): number | undefined {
    if (this.scheduled.length === 0 || this.scheduled.some(({ entry }) => entry.forMs === undefined)) return undefined;
    return Math.max(...this.scheduled.map(({ entry }) => entry.atMs + entry.forMs!));
  }

  async prepare(context: PrepareContext): Promise<void> {
    for (const { fault } of this.scheduled) await fault.prepare?.(context);
  }

  /** Arms the timers; call when the load starts (`performance.now()` of that moment). */
  start(context: FaultContext, loadStartPerfMs: number): void {
    this.loadStartMs = loadStartPerfMs;
    for (const { entry, fault } of this.scheduled) {
      if (!fault.arm) continue;
      this.track(fault.arm(context).catch((error: unknown) => context.log(`fault ${entry.kind}: not ready ahead (${(error as Error).message}); inject will try again`)));
    }
    for (const item of this.scheduled) {
      const injectIn = Math.max(0, loadStartPerfMs + item.entry.atMs - performance.now());
      this.timers.push(setTimeout(() => this.track(this.inject(item, context)), injectIn));
      if (item.entry.forMs !== undefined) {
        const healIn = Math.max(0, loadStartPerfMs + item.entry.atMs + item.entry.forMs - performance.now());
        this.timers.push(setTimeout(() => this.track(this.heal(item, context)), healIn));
      }
    }
  }

  /**
   * Stops the timers, waits for an inject or heal in progress, then heals every fault that was
   * injected and not healed (in reverse order of injection). Safe to call more than once.
   */
  async healAll(context: FaultContext): Promise<void> {
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
    await Promise.allSettled([...this.pending]);
    const active = this.scheduled.filter((item) => item.injectedAtMs !== undefined && item.healedAtMs === undefined);
    for (const item of active.reverse()) await this.heal(item, context);
  }

  /**
   * Watches each finished attempt for the effect of an active fault (Fault.effect): the first
   * matching attempt that ended after the injection and before the heal sets the effect time.
   */
  observe(attempt: AttemptRecord): void {
    const endMs = attempt.scheduledAtMs + attempt.totalMs;
    for (const item of this.scheduled) {
      const { effect, injectedAtMs } = item;
      if (!effect || injectedAtMs === undefined || item.healedAtMs !== undefined || endMs < injectedAtMs) continue;
      if (attempt.category !== effect.category || (effect.identity !== undefined && attempt.identity !== effect.identity)) continue;
      item.effectSeenAtMs = Math.min(item.effectSeenAtMs ?? Number.POSITIVE_INFINITY, endMs);
    }
  }

  records(): FaultRecord[] {
    return this.scheduled.map(({ entry, fault, injectedAtMs, healedAtMs, error, effect, effectSeenAtMs, mayBeLeftBroken }) => ({
      kind: entry.kind,
      description: fault.describe(),
      atMs: entry.atMs,
      ...(entry.forMs === undefined ? {} : { forMs: entry.forMs }),
      ...(injectedAtMs === undefined ? {} : { injectedAtMs }),
      ...(healedAtMs === undefined ? {} : { healedAtMs }),
      ...(error === undefined ? {} : { error }),
      ...(effect === undefined
        ? {}
        : {
            effect: {
              ...effect,
              ...(effectSeenAtMs === undefined || injectedAtMs === undefined ? {} : { afterMs: effectSeenAtMs - injectedAtMs }),
            },
          }),
      ...(fault.commands && fault.commands().length > 0 ? { commands: fault.commands() } : {}),
      ...(mayBeLeftBroken ? { mayBeLeftBroken } : {}),
    }));
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async inject(item: ScheduledFault, context: FaultContext): Promise<void> {
    if (context.signal.aborted || item.injectedAtMs !== undefined) return;
    item.injectedAtMs = performance.now() - this.loadStartMs;
    context.log(`fault ${item.entry.kind}: inject (${item.fault.describe()})`);
    item.injecting = (async () => {
      try {
        item.effect = item.fault.effect?.(context);
        await item.fault.inject(context);
      } catch (error) {
        item.error = `inject failed: ${(error as Error).message}`;
        context.log(`fault ${item.entry.kind}: ${item.error}`);
      }
    })();
    await item.injecting;
  }

  private async heal(item: ScheduledFault, context: FaultContext): Promise<void> {
    if (item.injectedAtMs === undefined || item.healedAtMs !== undefined) return;
    item.healedAtMs = performance.now() - this.loadStartMs;
    await item.injecting;
    context.log(`fault ${item.entry.kind}: heal`);
    try {
      await item.fault.heal(context);
    } catch (error) {
      item.error = `${item.error ? `${item.error}; ` : ''}heal failed: ${(error as Error).message}`;
      if (item.fault.actsOutsideLab) {
        item.mayBeLeftBroken = true;
        context.log(`fault ${item.entry.kind}: HEAL FAILED, the system may be left broken: ${(error as Error).message}`);
      } else {
        context.log(`fault ${item.entry.kind}: ${item.error}`);
      }
    }
  }
}
