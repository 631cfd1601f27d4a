import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type ClientIdentity } from '../../src/load/index.js';
import type { AttemptRecord } from '../../src/metrics/attempt-record.js';
import { buildLabPki, type LabPki } from '../../src/pki/index.js';
import { closeAfterTest, startBlackhole, startHttpsServer } from '../support/load-test-servers.js';

let pki: LabPki;
let identities: ClientIdentity[];

beforeAll(async () => {
  pki = await buildLabPki({ clients: 3 });
  identities = pki.clients.map((client) => ({ name: client.name, certPem: client.chainPem, keyPem: client.keyPem }));
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('open-loop load (constant arrival rate)', () => {
  it('makes ~100 attempts at 50/s for 2 s against a healthy gateway, evenly spaced, all ok, identities round-robin', async () => {
    const server = await closeAfterTest(startHttpsServer({ server: pki.servers[0]!, clientCaPem: pki.root.certificate.pem }));
    const records: AttemptRecord[] = [];
    const progress: number[] = [];
    const outcome = await runLoad(
      { kind: 'constant-rate', ratePerSecond: 50, durationMs: 2_000 },
      { url: server.url, identities, caPem: pki.root.certificate.pem },
      { onAttempt: (record) => records.push(record), onProgress: (p) => progress.push(p.attempts) },
    );
    expect(outcome).toMatchObject({ attempts: 100, succeeded: 100, dropped: 0, aborted: false });
    expect(records).toHaveLength(100);
    expect(new Set(records.map((record) => record.category))).toEqual(new Set(['ok']));
    const scheduled = records.map((record) => record.scheduledAtMs).sort((a, b) => a - b);
    scheduled.slice(1).forEach((at, index) => expect(at - scheduled[index]!).toBeCloseTo(20, 6));
    expect(scheduled[0]).toBe(0);
    expect(median(records.map((record) => record.startDelayMs))).toBeLessThan(5);
    const perIdentity = new Map<string, number>();
    for (const record of records) perIdentity.set(record.identity, (perIdentity.get(record.identity) ?? 0) + 1);
    expect([...perIdentity.values()].sort()).toEqual([33, 33, 34]);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    // Resumption is on by default: after each identity's first full handshake, most resume.
    expect(records.filter((record) => record.resumed).length).toBeGreaterThan(80);
  });

  it('keeps starting attempts on schedule while the gateway stalls; they time out', async () => {
    const server = await closeAfterTest(startHttpsServer({ server: pki.servers[0]!, clientCaPem: pki.root.certificate.pem, stall: true }));
    const records: AttemptRecord[] = [];
    const started = performance.now();
    const outcome = await runLoad(
      { kind: 'constant-rate', ratePerSecond: 20, durationMs: 1_500 },
      { url: server.url, identities, caPem: pki.root.certificate.pem, timeoutMs: 500 },
      { onAttempt: (record) => records.push(record) },
    );
    const elapsed = performance.now() - started;
    expect(outcome.attempts).toBe(30);
    expect(records.every((record) => record.category === 'handshake_timeout' && record.rawCode === 'TIMEOUT_FIRST_BYTE')).toBe(true);
    // No coordinated omission: a stalled gateway does not hold back the next start.
    expect(median(records.map((record) => record.startDelayMs))).toBeLessThan(5);
    expect(outcome.maxStartDelayMs).toBeLessThan(100);
    expect(outcome.peakInFlight).toBeGreaterThanOrEqual(9);
    for (const record of records) expect(record.totalMs).toBeGreaterThanOrEqual(499);
    // The run ends by itself: the schedule, then at most one timeout for the last attempts.
    expect(elapsed).toBeLessThan(1_500 + 500 + 700);
  });

  it('drops attempts beyond the in-flight bound instead of queueing them, and says so', async () => {
    const blackhole = await closeAfterTest(startBlackhole());
    const outcome = await runLoad(
      { kind: 'constant-rate', ratePerSecond: 50, durationMs: 1_000 },
      { url: blackhole.url, identities, caPem: pki.root.certificate.pem, timeoutMs: 2_000 },
      { maxInFlight: 5 },
    );
    expect(outcome.attempts).toBe(5);
    expect(outcome.dropped).toBe(45);
    expect(outcome.peakInFlight).toBe(5);
    expect(outcome.inFlightLimit).toBe(5);
  });

  it('stops at once on abort and resolves with what was measured', async () => {
    const server = await closeAfterTest(startHttpsServer({ server: pki.servers[0]!, clientCaPem: pki.root.certificate.pem, delayMs: 300 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    const started = performance.now();
    const outcome = await runLoad(
      { kind: 'constant-rate', ratePerSecond: 20, durationMs: 10_000 },
      { url: server.url, identities, caPem: pki.root.certificate.pem },
      { signal: controller.signal },
    );
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(outcome.aborted).toBe(true);
    expect(outcome.attempts).toBeGreaterThan(3);
    expect(outcome.attempts).toBeLessThan(14);
    expect(outcome.abandoned).toBeGreaterThan(0);
  });

  it('ramps: 0 -> 100/s over 2 s offers ~25 attempts in the first second and ~75 in the second', async () => {
    const server = await closeAfterTest(startHttpsServer({ server: pki.servers[0]!, clientCaPem: pki.root.certificate.pem }));
    const records: AttemptRecord[] = [];
    const outcome = await runLoad(
      { kind: 'ramp', startRatePerSecond: 0, stages: [{ toRatePerSecond: 100, durationMs: 2_000 }] },
      { url: server.url, identities, caPem: pki.root.certificate.pem },
      { onAttempt: (record) => records.push(record) },
    );
    expect(outcome.succeeded).toBe(outcome.attempts);
    const first = records.filter((record) => record.scheduledAtMs < 1_000).length;
    expect(first).toBeGreaterThanOrEqual(24);
    expect(first).toBeLessThanOrEqual(26);
    expect(records.length - first).toBeGreaterThanOrEqual(74);
    expect(records.length - first).toBeLessThanOrEqual(76);
  });
});
