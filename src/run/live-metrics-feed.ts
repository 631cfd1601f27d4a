import type { StartedLab } from '../lab/index.js';
import type { LoadControl, LoadOutcome, LoadProgress } from '../load/index.js';
import type { RecorderObserver } from '../metrics/index.js';
import { OfferedTally, labCertificates, probeOcspResponder, reportingRetargets, type LiveMetrics } from '../observe/index.js';
import type { FaultTimeline } from '../faults/index.js';
import type { LabPki } from '../pki/index.js';

/**
 * Where a run feeds its live Prometheus series (src/observe), in one place so that the run itself
 * makes one call per moment: the series exist from the start, attempts and CPU come through the
 * recorder's observer (so PromQL sums equal result.json), certificates as they are issued, the
 * OCSP probe while the lab runs. Every method is a no-op without `--metrics-listen`/`--prometheus-rw`.
 */
export class LiveMetricsFeed {
  readonly #live: LiveMetrics | undefined;
  readonly #timeline: FaultTimeline;
  readonly #offered: OfferedTally | undefined;
  readonly #ocspProbe = new AbortController();

  constructor(
    live: LiveMetrics | undefined,
    run: { readonly scenario: string; readonly runId: string; readonly runtime: string; readonly gatewayKind: string; readonly timeline: FaultTimeline },
  ) {
    this.#live = live;
    this.#timeline = run.timeline;
    const metrics = live?.metrics;
    metrics?.describeRun(run);
    metrics?.watchFaults(() =>
      run.timeline.records().map((fault) => ({ kind: fault.kind, active: fault.injectedAtMs !== undefined && fault.healedAtMs === undefined })),
    );
    this.#offered = metrics && new OfferedTally((phase, count) => metrics.recordOffered(phase, count));
  }

  /** For the MetricsRecorder: it tells each attempt with the phase it counted it in. */
  get observer(): RecorderObserver | undefined {
    return this.#live?.metrics.recorderObserver;
  }

  pkiBuilt(pki: LabPki): void {
    this.#live?.metrics.addCertificates(labCertificates(pki));
  }

  /** The lab's OCSP responder as the harness sees it, until `stop`. */
  labStarted(lab: StartedLab, pki: LabPki): void {
    const metrics = this.#live?.metrics;
    const leaf = pki.clients[0]?.certificate;
    if (!metrics || !lab.ocspResponder || !leaf) return;
    void probeOcspResponder({
      url: lab.ocspResponder.url,
      leaf,
      issuer: pki.intermediate.certificate,
      record: (outcome, seconds) => metrics.recordOcsp(outcome, seconds),
      signal: this.#ocspProbe.signal,
    });
  }

  /** What the faults act through: certificates a fault hands the load count in the expiry gauge too. */
  faultLoad(load: LoadControl): LoadControl {
    const metrics = this.#live?.metrics;
    return metrics ? reportingRetargets(load, (certificates) => metrics.addCertificates(certificates)) : load;
  }

  progress(progress: LoadProgress): void {
    this.#offered?.update(progress.attempts + progress.inFlight + progress.dropped, this.#timeline.phaseAt(progress.elapsedMs));
  }

  /** Not awaited: a probe waiting on a hanging responder must not hold the run up; it records nothing once stopped. */
  stopProbes(): void {
    this.#ocspProbe.abort();
  }

  /**
   * Every attempt is counted and every fault healed: one more scrape and a final push carry the
   * run's last numbers to Prometheus before the run returns (bounded; skipped after Ctrl-C).
   */
  async settle(outcome: LoadOutcome | undefined, signal: AbortSignal): Promise<void> {
    if (outcome) this.#offered?.update(outcome.attempts + outcome.dropped + outcome.abandoned, this.#timeline.phaseAt(outcome.durationMs));
    await this.#live?.settle(signal);
  }
}
