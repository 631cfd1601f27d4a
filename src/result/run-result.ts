import type { ErrorCategory } from '../metrics/error-category.js';
import type { Phase } from '../metrics/attempt-record.js';

/**
 * The versioned record of one run, written as result.json; every report is rendered from it and
 * nothing else. Bump RESULT_SCHEMA_VERSION on any incompatible change. Never holds private keys.
 */
export const RESULT_SCHEMA_VERSION = 1;

/** Percentiles of one latency distribution, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface LatencySet {
  readonly tcpConnect: LatencySummary;
  readonly tlsHandshake: LatencySummary;
  readonly firstByte: LatencySummary;
  readonly total: LatencySummary;
}

/** What a span of attempts (the whole run, a phase, a replica) measured. */
export interface MetricsSummary {
  readonly attempts: number;
  readonly succeeded: number;
  /** succeeded / attempts, 0..1; 1 when there were no attempts is avoided: 0 attempts gives 0. */
  readonly successRate: number;
  readonly attemptsPerSecond: number;
  readonly categories: Record<ErrorCategory, number>;
  readonly resumed: number;
  readonly latency: LatencySet;
  /** Attempts that started later than scheduled by more than the lateness threshold. */
  readonly lateStarts: number;
  readonly maxStartDelayMs: number;
}

/** One second of the run, for time charts. */
export interface TimelineBucket {
  /** Seconds since the load started. */
  readonly second: number;
  readonly phase: Phase;
  readonly attempts: number;
  readonly succeeded: number;
  readonly categories: Partial<Record<ErrorCategory, number>>;
  readonly tlsHandshake: Pick<LatencySummary, 'p50' | 'p95' | 'p99' | 'max'>;
  readonly total: Pick<LatencySummary, 'p50' | 'p95' | 'p99' | 'max'>;
  readonly gatewayCpuPercent?: number;
  readonly generatorCpuPercent?: number;
  /** Attempts due in this second (whenever they ended) and how many of them succeeded: recovery is measured on these. */
  readonly startedAttempts?: number;
  readonly startedSucceeded?: number;
  /**
   * How much of this second the load was offered in, ms: 1000 for a whole second, less for the
   * second an abort cut (stopped at 10.5 s: 500) or a load that began mid-second, 0 for a second
   * after the load stopped where only its last attempts ended. Per-second rates divide by this,
   * never by a whole second. Absent in results written before it was recorded: read as 1000.
   */
  readonly coveredMs?: number;
}

export interface CpuSeries {
  /** One sample per second: percent of one core (200 = two cores busy). */
  readonly samples: readonly { readonly second: number; readonly cpuPercent: number }[];
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface CertificateSummary {
  readonly subject: string;
  readonly serialNumber: string;
  readonly keyAlgorithm: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

export interface ComponentSummary {
  readonly name: string;
  /** e.g. gateway/node, gateway/nginx, ocsp/builtin */
  readonly kind: string;
  readonly endpoint: string;
  readonly pid?: number;
}

export interface SloVerdict {
  /** As written in the scenario, e.g. "handshake.p95 < 150ms". */
  readonly expression: string;
  readonly scope: 'run' | Phase;
  readonly metric: string;
  readonly operator: '<' | '<=' | '>' | '>=' | '==';
  /** Threshold in the metric's unit (ms, ratio 0..1, percent, count). */
  readonly threshold: number;
  /** Undefined when nothing was measured in the scope (the SLO then fails: no evidence). */
  readonly measured?: number;
  readonly unit: 'ms' | 'ratio' | 'percent' | 'count' | 'per_second';
  readonly passed: boolean;
  readonly note?: string;
  /**
   * Set when the metric is known only to this step (recovery.time: 1000): a measured value below
   * it reads "< 1 s", and differences below it are not changes.
   */
  readonly resolutionMs?: number;
}

/** One fault of the timeline as it happened: planned times and the actual inject/heal moments. */
export interface FaultRecord {
  readonly kind: string;
  readonly description: string;
  /** Planned, ms after the load started. */
  readonly atMs: number;
  readonly forMs?: number;
  /** Actual, ms after the load started; absent when it never happened (aborted before). */
  readonly injectedAtMs?: number;
  readonly healedAtMs?: number;
  readonly error?: string;
  /**
   * For a fault that names its effect (revocation: the revoked identity refused as cert_revoked):
   * what was watched, and how long after the injection the first attempt with that outcome ended
   * (`afterMs` absent: never seen before the heal or the end of the run).
   */
  readonly effect?: { readonly category: ErrorCategory; readonly identity?: string; readonly afterMs?: number };
  /** The commands the fault ran (kind command), in order: what a person needs to see what happened. */
  readonly commands?: readonly FaultCommandRecord[];
  /**
   * Its heal failed and the lab's stop cannot undo what it changed (a command fault acts on a
   * system the lab does not own): the system may be left broken. The run warns FAULT_HEAL_FAILED,
   * its verdict is fail and it exits 2.
   */
  readonly mayBeLeftBroken?: true;
}

/** One command a fault ran (an inject or a heal of a `command` fault). */
export interface FaultCommandRecord {
  readonly step: 'inject' | 'heal';
  /** As a shell would read it back (quoted argv), or the shell line with shell: true. */
  readonly command: string;
  readonly shell: boolean;
  readonly durationMs: number;
  /** How long it was allowed to run. */
  readonly timeoutMs: number;
  /** Absent when it did not exit on its own (killed, timed out) or never started. */
  readonly exitCode?: number;
  readonly signal?: string;
  readonly timedOut?: true;
  /** Killed because the run was aborted (Ctrl-C) while it ran. */
  readonly aborted?: true;
  /** Why it never ran ("not found: ..."). */
  readonly error?: string;
  /** stdout and stderr interleaved, bounded (first 2 KiB and last 6 KiB; the middle cut out and marked). */
  readonly output: string;
  /** Bytes it wrote in all. */
  readonly outputBytes: number;
  /** Whether it did what was asked: exit code 0, in time. */
  readonly ok: boolean;
}

/** How the system came back: measured from the timeline after the last heal. */
export interface RecoverySummary {
  /** When the last fault was healed (ms after load start). */
  readonly healedAtMs: number;
  /**
   * From the heal until the success rate was back at the target and stayed there (ms, at one-second
   * resolution); undefined when it never came back before the run ended.
   */
  readonly timeMs?: number;
  /** The success rate counted as recovered (the baseline success SLO's threshold, else 99%). */
  readonly targetSuccessRate: number;
  /**
   * How finely timeMs is known (ms): the timeline's one-second buckets. A heal at 5.999 s followed
   * by a clean second 6 gives timeMs 1, which means "within the heal's second" (render "< 1 s"),
   * not "1 ms". timeMs is an upper bound: the system was back by then.
   */
  readonly resolutionMs: number;
}

/** One alert of the scenario's rules file (observe.prometheus.rules) and when Prometheus had it firing. */
export interface AlertRecord {
  /** The alert's name as its rule spells it (case-sensitive, as in Prometheus). */
  readonly name: string;
  /** In time order, never overlapping. */
  readonly firings: readonly AlertFiring[];
  /** How often Prometheus evaluated the alert's rule group, ms (absent when not known). */
  readonly evaluationIntervalMs?: number;
}

/** One span of an alert firing, ms after the load started (like FaultRecord.injectedAtMs). */
export interface AlertFiring {
  readonly fromMs: number;
  /** The first moment it was seen resolved; absent when it was still firing when the run ended. */
  readonly toMs?: number;
}

export interface RunWarning {
  /** Stable code, e.g. GENERATOR_SATURATED, SCHEDULE_SLIPPED. */
  readonly code: string;
  readonly message: string;
}

export interface RunResult {
  readonly schemaVersion: typeof RESULT_SCHEMA_VERSION;
  readonly tool: { readonly name: 'mtls-chaos'; readonly version: string };
  readonly scenario: {
    readonly name: string;
    readonly description: string;
    readonly file?: string;
    readonly runtime: 'local' | 'docker' | 'external';
  };
  /**
   * completed: ran to the end; aborted: stopped by a signal; failed: the lab or load broke;
   * running: a checkpoint written during the run (every few seconds, replaced by the final
   * result): left on disk with this status, it means the harness was killed mid-run.
   */
  readonly status: 'completed' | 'aborted' | 'failed' | 'running';
  /** pass: every SLO met; fail: one breached (or the run did not complete). */
  readonly verdict: 'pass' | 'fail';
  readonly startedAt: string;
  readonly endedAt: string;
  /**
   * Wall-clock time of ms 0 of phases, faults and timeline (the load's start), so that another
   * engine's measurements (k6) can be lined up with this run's faults. Absent when no load started.
   */
  readonly loadStartedAt?: string;
  readonly load: {
    readonly profile: string;
    readonly plannedDurationMs: number;
    readonly actualDurationMs: number;
    readonly identities: number;
    readonly resumption: boolean;
    readonly target: string;
  };
  readonly lab: {
    readonly components: readonly ComponentSummary[];
    /** lab.gateway.config: the team's own gateway config that ran (absolute path, sha256 of its bytes). */
    readonly gatewayConfig?: { readonly file: string; readonly sha256: string };
    readonly pki?: {
      readonly algorithm: string;
      readonly root: CertificateSummary;
      readonly intermediates: readonly CertificateSummary[];
      readonly servers: readonly CertificateSummary[];
      readonly clients: { readonly count: number; readonly sample: readonly CertificateSummary[] };
    };
  };
  readonly phases: readonly { readonly phase: Phase; readonly startMs: number; readonly endMs: number }[];
  readonly summary: MetricsSummary;
  readonly byPhase: Partial<Record<Phase, MetricsSummary>>;
  readonly byReplica: Record<string, MetricsSummary>;
  readonly timeline: readonly TimelineBucket[];
  readonly cpu: { readonly gateway?: CpuSeries; readonly generator: CpuSeries };
  /** A few raw error codes/messages per category, for diagnosis. */
  readonly errorSamples: Partial<Record<ErrorCategory, readonly string[]>>;
  readonly slos: readonly SloVerdict[];
  /** The fault timeline as it ran (empty for a drill without faults). */
  readonly faults: readonly FaultRecord[];
  /** Present when every fault was healed during the run. */
  readonly recovery?: RecoverySummary;
  /** Share of attempts that failed while a fault was active (0..1); absent without a fault phase. */
  readonly blastRadius?: number;
  /**
   * What the scenario's alert rules did (observe.prometheus): every alert of its rules file, fired
   * or not. Absent when the scenario names no rules.
   */
  readonly alerts?: readonly AlertRecord[];
  readonly warnings: readonly RunWarning[];
  readonly error?: { readonly code: string; readonly message: string };
}
