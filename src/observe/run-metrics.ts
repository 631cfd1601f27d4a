import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AttemptRecord, Phase, RecorderObserver } from '../metrics/index.js';
import { PHASES } from '../metrics/index.js';
import type { OcspProbeOutcome } from './ocsp-prober.js';

/** Every series is named `mtls_chaos_<name>` (the contract the Prometheus rules and dashboards key on: README, "Watching a game day"). */
export const METRIC_PREFIX = 'mtls_chaos_';

/**
 * Histogram buckets in seconds, chosen for TLS handshakes: a resumed loopback handshake takes
 * well under a millisecond, a full ECDSA one a few, an RSA-4096 or OCSP-stapling one tens, and
 * a blackholed peer runs into the attempt timeout (5 s by default) — so 0.5 ms to 10 s.
 */
export const HANDSHAKE_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** A replica the gateway did not name (a failed handshake behind no balancer). */
export const UNKNOWN_REPLICA = 'unknown';

export interface RunInfo {
  readonly scenario: string;
  readonly runId: string;
  readonly runtime: string;
  readonly gatewayKind: string;
}

/** A certificate the lab issued, as the expiry gauge needs it. */
export interface IssuedCertificate {
  readonly role: string;
  readonly subject: string;
  readonly serial: string;
  readonly notAfter: Date;
}

/** A fault of the timeline, as the fault gauge needs it: read at each scrape. */
export interface FaultState {
  readonly kind: string;
  readonly active: boolean;
}

/**
 * The live series of one run (or bench) in a prom-client Registry of its own (never the global
 * one: two runs in one process, as tests do, must not share counters). Counters count exactly what
 * the MetricsRecorder counts, with the phase it counted the attempt in, so that PromQL sums over a
 * run equal result.json's counts.
 */
export class RunMetrics {
  readonly registry = new Registry();
  readonly #attempts: Counter<'category' | 'phase' | 'replica' | 'identity'>;
  readonly #offered: Counter<'phase'>;
  readonly #handshake: Histogram<'phase'>;
  readonly #attemptDuration: Histogram<'phase'>;
  readonly #gatewayCpu: Gauge<'replica'>;
  readonly #generatorCpu: Gauge;
  readonly #runInfo: Gauge<'scenario' | 'run_id' | 'runtime' | 'gateway_kind'>;
  readonly #ocspRequests: Counter<'outcome'>;
  readonly #ocspDuration: Histogram;
  #faults: () => readonly FaultState[] = () => [];
  #certificates: readonly IssuedCertificate[] = [];
  readonly #nowMs: () => number;

  constructor(options: { nowMs?: () => number } = {}) {
    this.#nowMs = options.nowMs ?? Date.now;
    const registers = [this.registry];
    this.#attempts = new Counter({
      name: `${METRIC_PREFIX}attempts_total`,
      help: 'Finished attempts (TCP + mTLS handshake + one request) by outcome category, phase, replica and client identity',
      labelNames: ['category', 'phase', 'replica', 'identity'],
      registers,
    });
    this.#offered = new Counter({
      name: `${METRIC_PREFIX}offered_attempts_total`,
      help: 'Attempts the load schedule offered (started), by phase',
      labelNames: ['phase'],
      registers,
    });
    this.#handshake = new Histogram({
      name: `${METRIC_PREFIX}handshake_duration_seconds`,
      help: 'TLS handshake time of attempts that completed a handshake',
      labelNames: ['phase'],
      buckets: [...HANDSHAKE_BUCKETS_SECONDS],
      registers,
    });
    this.#attemptDuration = new Histogram({
      name: `${METRIC_PREFIX}attempt_duration_seconds`,
      help: 'Whole attempt time, from when it was due to its outcome (no coordinated omission)',
      labelNames: ['phase'],
      buckets: [...HANDSHAKE_BUCKETS_SECONDS],
      registers,
    });
    this.#gatewayCpu = new Gauge({
      name: `${METRIC_PREFIX}gateway_cpu_percent`,
      help: 'Gateway CPU, percent of one core, as sampled by the run (replica "all": every process of the gateway together)',
      labelNames: ['replica'],
      registers,
    });
    this.#generatorCpu = new Gauge({
      name: `${METRIC_PREFIX}generator_cpu_percent`,
      help: "The load generator's own CPU, percent of one core",
      registers,
    });
    this.#runInfo = new Gauge({
      name: `${METRIC_PREFIX}run_info`,
      help: 'Always 1; the labels name the run',
      labelNames: ['scenario', 'run_id', 'runtime', 'gateway_kind'],
      registers,
    });
    this.#ocspRequests = new Counter({
      name: `${METRIC_PREFIX}ocsp_requests_total`,
      help: "Answers of the lab's OCSP responder to the harness's own probe (once a second), by outcome: good, revoked, unknown, error, unavailable",
      labelNames: ['outcome'],
      registers,
    });
    this.#ocspDuration = new Histogram({
      name: `${METRIC_PREFIX}ocsp_response_duration_seconds`,
      help: "Latency of the lab's OCSP responder to the harness's probe",
      buckets: [...HANDSHAKE_BUCKETS_SECONDS],
      registers,
    });
    const faults = () => this.#faults();
    new Gauge({
      name: `${METRIC_PREFIX}fault_active`,
      help: '1 while the fault is injected, 0 otherwise; id is its position on the timeline (1 = first)',
      labelNames: ['kind', 'id'],
      registers,
      collect() {
        this.reset();
        faults().forEach((fault, index) => this.set({ kind: fault.kind, id: String(index + 1) }, fault.active ? 1 : 0));
      },
    });
    const certificates = () => this.#certificates;
    const nowMs = () => this.#nowMs();
    new Gauge({
      name: `${METRIC_PREFIX}certificate_expiry_seconds`,
      help: 'Seconds until notAfter of every certificate the lab issued; negative once expired',
      labelNames: ['role', 'subject', 'serial'],
      registers,
      // Computed at each scrape, so an expiry alert sees the time run out, not the value at issue.
      collect() {
        this.reset();
        const now = nowMs();
        for (const certificate of certificates()) {
          this.set({ role: certificate.role, subject: certificate.subject, serial: certificate.serial }, (certificate.notAfter.getTime() - now) / 1_000);
        }
      },
    });
    // Every phase from the start: a rule over rate(...[1m]) then sees the 0 before the first failure.
    for (const phase of PHASES) this.#offered.inc({ phase }, 0);
  }

  describeRun(info: RunInfo): void {
    this.#runInfo.reset();
    this.#runInfo.set({ scenario: info.scenario, run_id: info.runId, runtime: info.runtime, gateway_kind: info.gatewayKind }, 1);
  }

  /** The fault timeline's state, read at each scrape (series exist, at 0, from the run's start). */
  watchFaults(faults: () => readonly FaultState[]): void {
    this.#faults = faults;
  }

  /** Certificates issued so far (the lab's, then those faults hand out mid-run); each series once. */
  addCertificates(certificates: readonly IssuedCertificate[]): void {
    const known = new Set(this.#certificates.map(certificateKey));
    this.#certificates = [...this.#certificates, ...certificates.filter((certificate) => {
      const key = certificateKey(certificate);
      if (known.has(key)) return false;
      known.add(key);
      return true;
    })];
  }

  /** One finished attempt, in the phase the run's recorder counted it in. */
  recordAttempt(attempt: AttemptRecord, phase: Phase): void {
    this.#attempts.inc({ category: attempt.category, phase, replica: attempt.replica ?? UNKNOWN_REPLICA, identity: attempt.identity });
    this.#attemptDuration.observe({ phase }, attempt.totalMs / 1_000);
    if (attempt.tlsHandshakeMs !== undefined) this.#handshake.observe({ phase }, attempt.tlsHandshakeMs / 1_000);
  }

  /** What a MetricsRecorder tells, so that these counters count exactly what the run's result counts. */
  get recorderObserver(): RecorderObserver {
    return {
      attempt: (attempt, phase) => this.recordAttempt(attempt, phase),
      cpu: (source, _second, cpuPercent) => this.recordCpu(source, cpuPercent),
    };
  }

  recordOffered(phase: Phase, count = 1): void {
    this.#offered.inc({ phase }, count);
  }

  recordOcsp(outcome: OcspProbeOutcome, seconds: number): void {
    this.#ocspRequests.inc({ outcome });
    this.#ocspDuration.observe(seconds);
  }

  recordCpu(source: 'gateway' | 'generator', cpuPercent: number): void {
    if (!Number.isFinite(cpuPercent)) return;
    if (source === 'gateway') this.#gatewayCpu.set({ replica: 'all' }, cpuPercent);
    else this.#generatorCpu.set(cpuPercent);
  }

  /** The text exposition format (what GET /metrics answers). */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}

function certificateKey(certificate: IssuedCertificate): string {
  return JSON.stringify([certificate.role, certificate.subject, certificate.serial]);
}
