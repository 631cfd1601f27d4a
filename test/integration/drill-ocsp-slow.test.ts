import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/result/index.js';
import { runDrill } from '../support/run-drill.js';

/** A slow responder under a longer timeout costs latency, not success. */
function expectSlowNotFailed(result: RunResult): void {
  const fault = result.byPhase.fault!;
  expect(result.byPhase.baseline!.successRate).toBeGreaterThanOrEqual(0.999);
  expect(fault.successRate).toBeGreaterThanOrEqual(0.99);
  expect(fault.categories.ocsp_unavailable).toBe(0);
  // The 1 s delay shows in the whole attempt, for the handshakes that needed a fresh answer.
  expect(fault.latency.total.p95).toBeGreaterThanOrEqual(900);
  expect(fault.latency.total.p95).toBeGreaterThan(3 * result.byPhase.baseline!.latency.total.p50);
  expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.999);
  expect(result.verdict).toBe('pass');
}

describe('drills ocsp-slow*', () => {
  it('node: answers 1 s late under a 2 s timeout: everyone still gets in, slower', async () => {
    const { result, exitCode } = await runDrill('ocsp-slow', { durationMs: 16_000 });
    expectSlowNotFailed(result);
    expect(exitCode).toBe(0);
  }, 90_000);

  it('nginx: waits for the slow answer: everyone still gets in, slower', async () => {
    const { result, exitCode } = await runDrill('ocsp-slow-nginx', { durationMs: 16_000 });
    expectSlowNotFailed(result);
    expect(exitCode).toBe(0);
  }, 90_000);
});
