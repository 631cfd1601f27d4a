import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../../src/metrics/index.js';
import { MetricsRecorder } from '../../../src/metrics/index.js';
import { HANDSHAKE_BUCKETS_SECONDS, RunMetrics, probeOutcome, registryTimeseries } from '../../../src/observe/index.js';

function attempt(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return { scheduledAtMs: 0, startDelayMs: 0, tlsHandshakeMs: 3, totalMs: 7, category: 'ok', resumed: false, identity: 'client-1', ...overrides };
}

/** The value of one exposition line, e.g. `mtls_chaos_attempts_total{category="ok",...}`. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('RunMetrics', () => {
  it('counts attempts by category, phase, replica and identity; an unnamed replica is "unknown"', async () => {
    const metrics = new RunMetrics();
    metrics.recordAttempt(attempt({ replica: 'gateway-2' }), 'baseline');
    metrics.recordAttempt(attempt({ replica: 'gateway-2' }), 'baseline');
    metrics.recordAttempt(attempt({ category: 'ocsp_unavailable', tlsHandshakeMs: undefined, identity: 'client-3' }), 'fault');
    const text = await metrics.exposition();
    expect(valueOf(text, 'mtls_chaos_attempts_total{category="ok",phase="baseline",replica="gateway-2",identity="client-1"}')).toBe(2);
    expect(valueOf(text, 'mtls_chaos_attempts_total{category="ocsp_unavailable",phase="fault",replica="unknown",identity="client-3"}')).toBe(1);
    // A refused handshake has no handshake time: only the whole-attempt histogram counts it.
    expect(valueOf(text, 'mtls_chaos_handshake_duration_seconds_count{phase="fault"}')).toBeUndefined();
    expect(valueOf(text, 'mtls_chaos_attempt_duration_seconds_count{phase="fault"}')).toBe(1);
    expect(valueOf(text, 'mtls_chaos_handshake_duration_seconds_sum{phase="baseline"}')).toBeCloseTo(0.006, 9);
  });

  it('histograms use the handshake buckets, 0.5 ms to 10 s, in seconds', async () => {
    const metrics = new RunMetrics();
    metrics.recordAttempt(attempt({ tlsHandshakeMs: 0.7, totalMs: 4_000 }), 'baseline');
    const text = await metrics.exposition();
    const les = [...text.matchAll(/^mtls_chaos_handshake_duration_seconds_bucket\{le="([^"]+)",phase="baseline"\}/gm)].map((match) => match[1]);
    expect(les).toEqual([...HANDSHAKE_BUCKETS_SECONDS.map(String), '+Inf']);
    expect(valueOf(text, 'mtls_chaos_handshake_duration_seconds_bucket{le="0.0005",phase="baseline"}')).toBe(0);
    expect(valueOf(text, 'mtls_chaos_handshake_duration_seconds_bucket{le="0.001",phase="baseline"}')).toBe(1);
    expect(valueOf(text, 'mtls_chaos_attempt_duration_seconds_bucket{le="2.5",phase="baseline"}')).toBe(0);
    expect(valueOf(text, 'mtls_chaos_attempt_duration_seconds_bucket{le="5",phase="baseline"}')).toBe(1);
  });

  it('fed by a MetricsRecorder, counts each attempt in the phase the recorder counted it in', async () => {
    const metrics = new RunMetrics();
    // An attempt due in the baseline that ended inside the fault belongs to the fault.
    const recorder = new MetricsRecorder({
      phaseAt: (ms) => (ms < 1_000 ? 'baseline' : 'fault'),
      phaseOfAttempt: (_scheduledAtMs, endMs) => (endMs < 1_000 ? 'baseline' : 'fault'),
      observer: metrics.recorderObserver,
    });
    recorder.record(attempt({ scheduledAtMs: 900, totalMs: 200 }));
    recorder.recordCpu('gateway', 0, 37.5);
    recorder.recordCpu('generator', 0, 12);
    const { byPhase } = recorder.finish(2_000);
    const text = await metrics.exposition();
    expect(byPhase.fault?.attempts).toBe(1);
    expect(valueOf(text, 'mtls_chaos_attempts_total{category="ok",phase="fault",replica="unknown",identity="client-1"}')).toBe(1);
    expect(valueOf(text, 'mtls_chaos_gateway_cpu_percent{replica="all"}')).toBe(37.5);
    expect(valueOf(text, 'mtls_chaos_generator_cpu_percent')).toBe(12);
  });

  it('a fault gauge per timeline entry from the start, 1 only while injected', async () => {
    const metrics = new RunMetrics();
    const faults = [
      { kind: 'ocsp-outage', active: false },
      { kind: 'expiry', active: false },
    ];
    metrics.watchFaults(() => faults);
    expect(valueOf(await metrics.exposition(), 'mtls_chaos_fault_active{kind="ocsp-outage",id="1"}')).toBe(0);
    faults[0] = { kind: 'ocsp-outage', active: true };
    const text = await metrics.exposition();
    expect(valueOf(text, 'mtls_chaos_fault_active{kind="ocsp-outage",id="1"}')).toBe(1);
    expect(valueOf(text, 'mtls_chaos_fault_active{kind="expiry",id="2"}')).toBe(0);
  });

  it('certificate expiry counts down at each scrape and goes negative once past notAfter', async () => {
    let nowMs = Date.parse('2026-01-01T00:00:00Z');
    const metrics = new RunMetrics({ nowMs: () => nowMs });
    const day = 86_400_000;
    metrics.addCertificates([{ role: 'client', subject: 'CN=client-1,O=mtls-chaos lab', serial: '0a1b', notAfter: new Date(nowMs + 29 * day) }]);
    const series = 'mtls_chaos_certificate_expiry_seconds{role="client",subject="CN=client-1,O=mtls-chaos lab",serial="0a1b"}';
    expect(valueOf(await metrics.exposition(), series)).toBe(29 * 86_400);
    nowMs += 30 * day;
    expect(valueOf(await metrics.exposition(), series)).toBe(-86_400);
  });

  it('run info is one series at 1 naming scenario, run id, runtime and gateway kind', async () => {
    const metrics = new RunMetrics();
    metrics.describeRun({ scenario: 'ocsp-down-hard-fail', runId: 'r1', runtime: 'local', gatewayKind: 'nginx' });
    expect(valueOf(await metrics.exposition(), 'mtls_chaos_run_info{scenario="ocsp-down-hard-fail",run_id="r1",runtime="local",gateway_kind="nginx"}')).toBe(1);
  });

  it('remote-write series carry the names and labels a scrape shows', async () => {
    const metrics = new RunMetrics();
    metrics.recordAttempt(attempt(), 'baseline');
    const series = await registryTimeseries(metrics.registry, 1_000);
    const names = new Set(series.map((entry) => entry.labels.__name__));
    for (const name of [
      'mtls_chaos_attempts_total',
      'mtls_chaos_offered_attempts_total',
      'mtls_chaos_handshake_duration_seconds_bucket',
      'mtls_chaos_handshake_duration_seconds_sum',
      'mtls_chaos_handshake_duration_seconds_count',
      'mtls_chaos_attempt_duration_seconds_bucket',
    ]) {
      expect(names).toContain(name);
    }
    expect(series.find((entry) => entry.labels.__name__ === 'mtls_chaos_attempts_total')).toEqual({
      labels: { __name__: 'mtls_chaos_attempts_total', category: 'ok', phase: 'baseline', replica: 'unknown', identity: 'client-1' },
      samples: [{ value: 1, timestamp: 1_000 }],
    });
    const inf = series.find((entry) => entry.labels.__name__ === 'mtls_chaos_handshake_duration_seconds_bucket' && entry.labels.le === '+Inf');
    expect(inf?.samples[0]?.value).toBe(1);
  });
});

describe('OCSP probe series', () => {
  it('outcomes of the harness probe: an answer by its status, no answer is unavailable, a bad answer is error', async () => {
    const single = { serialNumber: '01', thisUpdate: new Date(), issuerMatches: true };
    expect(probeOutcome({ kind: 'answer', single: { ...single, status: 'good' } })).toBe('good');
    expect(probeOutcome({ kind: 'answer', single: { ...single, status: 'revoked' } })).toBe('revoked');
    expect(probeOutcome({ kind: 'unreachable', detail: 'refused', reason: 'ECONNREFUSED' })).toBe('unavailable');
    expect(probeOutcome({ kind: 'unusable', detail: 'tryLater' })).toBe('error');
    const metrics = new RunMetrics();
    metrics.recordOcsp('unavailable', 0.003);
    const text = await metrics.exposition();
    expect(valueOf(text, 'mtls_chaos_ocsp_requests_total{outcome="unavailable"}')).toBe(1);
    expect(valueOf(text, 'mtls_chaos_ocsp_response_duration_seconds_bucket{le="0.005"}')).toBe(1);
  });
});
