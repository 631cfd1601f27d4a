import { describe, expect, it } from 'vitest';
import type { AttemptRecord, Phase } from '../../../src/metrics/index.js';
import { MetricsRecorder, phaseDurationsMs } from '../../../src/metrics/index.js';

function attempt(overrides: Partial<AttemptRecord> & { scheduledAtMs: number }): AttemptRecord {
  return {
    startDelayMs: 0,
    tcpConnectMs: 0.5,
    tlsHandshakeMs: 5,
    firstByteMs: 1,
    totalMs: 7,
    category: 'ok',
    resumed: false,
    identity: 'client-1',
    ...overrides,
  };
}

const alwaysBaseline = (): Phase => 'baseline';
/** baseline [0, 10 s), fault [10 s, 20 s), recovery after. */
const threePhases = (ms: number): Phase => (ms < 10_000 ? 'baseline' : ms < 20_000 ? 'fault' : 'recovery');

describe('MetricsRecorder percentiles', () => {
  it('1..1000 ms uniform gives p50 ~500, p99 ~990 within HDR precision, exact min/max/mean', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    for (let ms = 1; ms <= 1_000; ms++) {
      recorder.record(attempt({ scheduledAtMs: ms * 10, tlsHandshakeMs: ms, totalMs: ms }));
    }
    const { summary } = recorder.finish(10_000);
    const handshake = summary.latency.tlsHandshake;
    expect(handshake.count).toBe(1_000);
    expect(Math.abs(handshake.p50 - 500)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(handshake.p90 - 900)).toBeLessThanOrEqual(0.9);
    expect(Math.abs(handshake.p95 - 950)).toBeLessThanOrEqual(0.95);
    expect(Math.abs(handshake.p99 - 990)).toBeLessThanOrEqual(1);
    expect(handshake.min).toBe(1);
    expect(handshake.max).toBe(1_000);
    expect(handshake.mean).toBeCloseTo(500.5, 6);
    expect(summary.latency.total.p50).toBe(handshake.p50);
  });

  it('keeps sub-millisecond resolution (values recorded as whole microseconds)', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    for (let i = 0; i < 100; i++) recorder.record(attempt({ scheduledAtMs: i, tcpConnectMs: 0.123 }));
    expect(recorder.finish(1_000).summary.latency.tcpConnect.p50).toBeCloseTo(0.123, 3);
  });

  it('counts success, categories, resumed and rate; failed attempts weigh on handshake when measured and always on total', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    for (let i = 0; i < 90; i++) recorder.record(attempt({ scheduledAtMs: i * 10, resumed: i % 2 === 0, totalMs: 10 }));
    for (let i = 0; i < 5; i++) {
      // nginx completes the handshake and answers 400: handshake measured
      recorder.record(attempt({ scheduledAtMs: 900 + i, category: 'cert_expired', httpStatus: 400, rawCode: 'nginx: (10:certificate has expired)', totalMs: 10 }));
    }
    for (let i = 0; i < 5; i++) {
      recorder.record(
        attempt({ scheduledAtMs: 950 + i, category: 'connection_refused', rawCode: 'ECONNREFUSED', tcpConnectMs: undefined, tlsHandshakeMs: undefined, firstByteMs: undefined, totalMs: 1_000 }),
      );
    }
    const { summary, errorSamples } = recorder.finish(2_000);
    expect(summary.attempts).toBe(100);
    expect(summary.succeeded).toBe(90);
    expect(summary.successRate).toBeCloseTo(0.9, 10);
    expect(summary.attemptsPerSecond).toBe(50);
    expect(summary.resumed).toBe(45);
    expect(summary.categories).toMatchObject({ ok: 90, cert_expired: 5, connection_refused: 5, unknown_ca: 0 });
    expect(Object.keys(summary.categories)).toHaveLength(16);
    expect(summary.latency.tlsHandshake.count).toBe(95);
    expect(summary.latency.tcpConnect.count).toBe(95);
    expect(summary.latency.total.count).toBe(100);
    expect(summary.latency.total.max).toBe(1_000);
    expect(errorSamples).toEqual({ cert_expired: ['nginx: (10:certificate has expired)'], connection_refused: ['ECONNREFUSED'] });
  });

  it('keeps at most 5 distinct raw codes per category, falling back to the HTTP status', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    for (let i = 0; i < 20; i++) recorder.record(attempt({ scheduledAtMs: i, category: 'other', rawCode: `E_${i % 8}` }));
    recorder.record(attempt({ scheduledAtMs: 30, category: 'http_error', httpStatus: 502 }));
    const { errorSamples } = recorder.finish(1_000);
    expect(errorSamples.other).toEqual(['E_0', 'E_1', 'E_2', 'E_3', 'E_4']);
    expect(errorSamples.http_error).toEqual(['HTTP 502']);
    expect(errorSamples.ok).toBeUndefined();
  });
});

describe('MetricsRecorder phases and replicas', () => {
  it('splits by phase on when the outcome was known, with per-phase rates over each phase duration', () => {
    const recorder = new MetricsRecorder({ phaseAt: threePhases });
    // 10/s for 30 s; the fault phase fails everything
    for (let ms = 0; ms < 30_000; ms += 100) {
      const fault = threePhases(ms + 7) === 'fault';
      recorder.record(attempt({ scheduledAtMs: ms, category: fault ? 'ocsp_unavailable' : 'ok', rawCode: fault ? 'HTTP 400' : undefined }));
    }
    // a timeout scheduled in baseline that ended inside the fault counts for the fault
    recorder.record(attempt({ scheduledAtMs: 9_000, totalMs: 5_000, category: 'handshake_timeout', tlsHandshakeMs: undefined }));
    const { byPhase, summary, timeline } = recorder.finish(30_000);
    expect(summary.attempts).toBe(301);
    expect(byPhase.baseline).toMatchObject({ attempts: 100, succeeded: 100, successRate: 1, attemptsPerSecond: 10 });
    expect(byPhase.fault).toMatchObject({ attempts: 101, succeeded: 0, successRate: 0 });
    expect(byPhase.fault?.categories.handshake_timeout).toBe(1);
    expect(byPhase.fault?.attemptsPerSecond).toBeCloseTo(10.1, 6);
    expect(byPhase.recovery).toMatchObject({ attempts: 100, succeeded: 100 });
    expect(timeline).toHaveLength(30);
    expect(timeline[9]).toMatchObject({ second: 9, phase: 'baseline', attempts: 10, succeeded: 10 });
    expect(timeline[14]).toMatchObject({ second: 14, phase: 'fault', attempts: 11, succeeded: 0, categories: { ocsp_unavailable: 10, handshake_timeout: 1 } });
    expect(timeline[25]?.phase).toBe('recovery');
  });

  it('lists a phase that lasted without any attempt completing, zeroed', () => {
    const recorder = new MetricsRecorder({ phaseAt: threePhases });
    for (let ms = 0; ms < 10_000; ms += 100) recorder.record(attempt({ scheduledAtMs: ms }));
    const { byPhase, timeline } = recorder.finish(25_000);
    expect(byPhase.fault).toMatchObject({ attempts: 0, successRate: 0, attemptsPerSecond: 0 });
    expect(byPhase.recovery?.attempts).toBe(0);
    expect(timeline).toHaveLength(25);
    expect(timeline[15]).toMatchObject({ second: 15, phase: 'fault', attempts: 0, succeeded: 0 });
  });

  it('attributes attempts per replica', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    for (let i = 0; i < 30; i++) {
      const replica = `gw-${i % 3}`;
      recorder.record(attempt({ scheduledAtMs: i * 100, replica, category: replica === 'gw-2' ? 'unknown_ca' : 'ok' }));
    }
    recorder.record(attempt({ scheduledAtMs: 5, replica: undefined }));
    const { byReplica } = recorder.finish(3_000);
    expect(Object.keys(byReplica)).toEqual(['gw-0', 'gw-1', 'gw-2']);
    expect(byReplica['gw-0']).toMatchObject({ attempts: 10, successRate: 1 });
    expect(byReplica['gw-2']).toMatchObject({ attempts: 10, successRate: 0 });
    expect(byReplica['gw-2']?.categories.unknown_ca).toBe(10);
  });

  it('phase durations are found to the millisecond', () => {
    const phaseAt = (ms: number): Phase => (ms < 10_250 ? 'baseline' : ms < 12_001 ? 'fault' : 'recovery');
    expect(phaseDurationsMs(phaseAt, 30_000)).toEqual({ baseline: 10_250, fault: 1_751, recovery: 17_999 });
    expect(phaseDurationsMs(alwaysBaseline, 1_500)).toEqual({ baseline: 1_500, fault: 0, recovery: 0 });
    expect(phaseDurationsMs(alwaysBaseline, 0)).toEqual({ baseline: 0, fault: 0, recovery: 0 });
  });
});

describe('MetricsRecorder timeline buckets', () => {
  it('summarizes each second to percentiles and attaches CPU samples', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    for (let i = 1; i <= 100; i++) recorder.record(attempt({ scheduledAtMs: i, tlsHandshakeMs: i, totalMs: i }));
    for (let i = 1; i <= 100; i++) recorder.record(attempt({ scheduledAtMs: 1_000 + i, tlsHandshakeMs: 2 * i, totalMs: 2 * i }));
    recorder.recordCpu('gateway', 0, 42.04);
    recorder.recordCpu('generator', 1, 77);
    const { timeline } = recorder.finish(2_000);
    // scheduled at i, finished at 2i: everything of the first batch ends before 1 s
    expect(timeline[0]).toMatchObject({ second: 0, attempts: 100, gatewayCpuPercent: 42 });
    expect(timeline[0]?.generatorCpuPercent).toBeUndefined();
    expect(Math.abs((timeline[0]?.tlsHandshake.p50 ?? 0) - 50)).toBeLessThanOrEqual(0.05);
    expect(timeline[0]?.tlsHandshake.max).toBe(100);
    expect(timeline[1]).toMatchObject({ second: 1, attempts: 100, generatorCpuPercent: 77 });
    expect(timeline[1]?.tlsHandshake.max).toBe(200);
  });

  it('holds a bounded number of open histograms over a long run (200k attempts across 3600 s)', () => {
    const recorder = new MetricsRecorder({ phaseAt: threePhases, openBucketWindowSeconds: 10 });
    const attempts = 200_000;
    let maxOpen = 0;
    for (let i = 0; i < attempts; i++) {
      const scheduledAtMs = (i * 3_600_000) / attempts;
      // a little disorder: completion times jitter by up to 2 s
      const totalMs = 5 + ((i * 7919) % 2_000);
      recorder.record(attempt({ scheduledAtMs, totalMs, tlsHandshakeMs: 3 + (i % 50) }));
      if (recorder.openBucketCount > maxOpen) maxOpen = recorder.openBucketCount;
    }
    expect(maxOpen).toBeLessThanOrEqual(10);
    const { summary, timeline } = recorder.finish(3_600_000);
    expect(summary.attempts).toBe(attempts);
    expect(timeline.length).toBeGreaterThanOrEqual(3_600);
    expect(timeline.reduce((sum, bucket) => sum + bucket.attempts, 0)).toBe(attempts);
    expect(recorder.openBucketCount).toBe(0);
  });

  it('counts a straggler for a closed second without reopening it', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline, openBucketWindowSeconds: 2 });
    recorder.record(attempt({ scheduledAtMs: 0, totalMs: 10, tlsHandshakeMs: 8 }));
    recorder.record(attempt({ scheduledAtMs: 5_000, totalMs: 10 }));
    expect(recorder.openBucketCount).toBe(1);
    recorder.record(attempt({ scheduledAtMs: 100, totalMs: 10, tlsHandshakeMs: 900 }));
    expect(recorder.openBucketCount).toBe(1);
    const { timeline } = recorder.finish(6_000);
    expect(timeline[0]).toMatchObject({ attempts: 2 });
    expect(timeline[0]?.tlsHandshake.max).toBe(8);
  });
});

describe('MetricsRecorder bottleneck warnings', () => {
  function steadyRun(options: { generatorCpu: number[]; lateEvery?: number; delayMs?: number }) {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    for (let i = 0; i < 1_000; i++) {
      const late = options.lateEvery !== undefined && i % options.lateEvery === 0;
      recorder.record(attempt({ scheduledAtMs: i * 10, startDelayMs: late ? (options.delayMs ?? 50) : 2 }));
    }
    options.generatorCpu.forEach((percent, second) => recorder.recordCpu('generator', second, percent));
    return recorder.finish(10_000);
  }

  it('GENERATOR_SATURATED when the generator CPU p95 reaches 90% of one core, exonerating the gateway', () => {
    const { warnings, cpu } = steadyRun({ generatorCpu: [60, 95, 97, 99, 98, 96, 95, 94, 99, 100] });
    expect(cpu.generator.p95).toBe(100);
    expect(cpu.gateway).toBeUndefined();
    const warning = warnings.find((w) => w.code === 'GENERATOR_SATURATED');
    expect(warning?.message).toMatch(/do not blame the gateway/);
    expect(warning?.message).toMatch(/fewer client identities, a lower rate, or more load workers/);
  });

  it('no GENERATOR_SATURATED below 90% or without samples', () => {
    expect(steadyRun({ generatorCpu: [50, 60, 70, 80, 85, 89, 40, 30, 20, 10] }).warnings).toEqual([]);
    expect(steadyRun({ generatorCpu: [] }).warnings).toEqual([]);
  });

  it('SCHEDULE_SLIPPED when more than 1% of attempts started late, with the worst delay', () => {
    const { warnings, summary } = steadyRun({ generatorCpu: [], lateEvery: 50, delayMs: 123.4 }); // 2 %
    expect(summary.lateStarts).toBe(20);
    expect(summary.maxStartDelayMs).toBe(123.4);
    expect(warnings.map((w) => w.code)).toEqual(['SCHEDULE_SLIPPED']);
    expect(warnings[0]?.message).toContain('20 of 1000 attempts (2.0%)');
    expect(warnings[0]?.message).toContain('at worst 123 ms');
  });

  it('no SCHEDULE_SLIPPED at 1% or with delays under the threshold', () => {
    expect(steadyRun({ generatorCpu: [], lateEvery: 100 }).warnings).toEqual([]); // exactly 1 %
    expect(steadyRun({ generatorCpu: [], lateEvery: 2, delayMs: 10 }).warnings).toEqual([]); // not > 10 ms
  });

  it('CPU series: nearest-rank percentiles over per-second samples', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    for (let second = 0; second < 20; second++) recorder.recordCpu('gateway', second, second * 5);
    const { cpu } = recorder.finish(20_000);
    expect(cpu.gateway).toMatchObject({ p50: 45, p95: 90, max: 95 });
    expect(cpu.gateway?.samples).toHaveLength(20);
  });
});


describe('MetricsRecorder.snapshot (checkpoints of a long run)', () => {
  it('reports the measurements so far without freezing the open seconds: the final result is unchanged', () => {
    const record = (recorder: MetricsRecorder, from: number, to: number) => {
      for (let ms = from; ms < to; ms += 10) recorder.record(attempt({ scheduledAtMs: ms, tlsHandshakeMs: (ms % 1_000) / 10 + 1, totalMs: 5 }));
    };
    const checkpointed = new MetricsRecorder({ phaseAt: threePhases });
    const plain = new MetricsRecorder({ phaseAt: threePhases });
    // Half of second 2 before the checkpoint, the other half after it.
    record(checkpointed, 0, 2_500);
    record(plain, 0, 2_500);
    const snapshot = checkpointed.snapshot(2_500);
    expect(snapshot.summary.attempts).toBe(250);
    expect(snapshot.timeline).toHaveLength(3);
    expect(snapshot.timeline[2]).toMatchObject({ second: 2, attempts: 50, coveredMs: 500 });
    expect(snapshot.timeline[2]!.tlsHandshake.max).toBeGreaterThan(0);
    record(checkpointed, 2_500, 4_000);
    record(plain, 2_500, 4_000);
    // Second 2's percentiles include the attempts after the checkpoint, exactly as without one.
    expect(checkpointed.finish(4_000)).toEqual(plain.finish(4_000));
  });
});

describe('MetricsRecorder timeline: how much of each second the load covered', () => {
  /** 50/s from `fromMs`, each attempt ending 5 ms after it was due, until `untilMs`. */
  function recordAt50PerSecond(recorder: MetricsRecorder, fromMs: number, untilMs: number): void {
    for (let ms = fromMs; ms < untilMs; ms += 20) recorder.record(attempt({ scheduledAtMs: ms, totalMs: 5 }));
  }

  it('gives the second an abort cut its real length, so that its 25 attempts read 50/s, not 25/s', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    recordAt50PerSecond(recorder, 0, 2_500);
    const { timeline } = recorder.finish(2_500, { fromMs: 0, untilMs: 2_500 });
    expect(timeline.map((bucket) => [bucket.attempts, bucket.coveredMs])).toEqual([
      [50, 1_000],
      [50, 1_000],
      [25, 500],
    ]);
  });

  it('gives no covered time to the wait for the last attempts after the schedule ended', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    recordAt50PerSecond(recorder, 0, 2_000);
    recorder.record(attempt({ scheduledAtMs: 1_990, totalMs: 15 })); // ends at 2.005 s
    const { timeline } = recorder.finish(2_005, { fromMs: 0, untilMs: 2_000 });
    expect(timeline.map((bucket) => bucket.coveredMs)).toEqual([1_000, 1_000, 0]);
    expect(timeline[2]!.attempts).toBe(1);
  });

  it('covers only the rest of a first second the load began in mid-way (k6 on a fault run\'s clock)', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    recordAt50PerSecond(recorder, 600, 3_000);
    const { timeline } = recorder.finish(3_000, { fromMs: 600, untilMs: 3_000 });
    expect(timeline.map((bucket) => [bucket.attempts, bucket.coveredMs])).toEqual([
      [20, 400],
      [50, 1_000],
      [50, 1_000],
    ]);
  });

  it('without a window, covers from 0 to the duration it is given', () => {
    const recorder = new MetricsRecorder({ phaseAt: alwaysBaseline });
    recordAt50PerSecond(recorder, 0, 1_250);
    expect(recorder.finish(1_250).timeline.map((bucket) => bucket.coveredMs)).toEqual([1_000, 250]);
  });
});
