import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../src/run/index.js';
import { healedAtMs } from '../support/heal-settled.js';
import { retryIfMachineSpoiled } from '../support/machine-noise.js';
import { runDrill } from '../support/run-drill.js';

/**
 * Timeouts the pause cannot explain: in the baseline, or 2 s and more after the thaw (the thawed
 * gateway's backlog and the 1 s timeout explain the first second). Beside CPU hogs at load 11 the
 * gateway was starved into timeouts again 3-6 s after the thaw (recovery share 0.715).
 */
function timeoutsBeyondThePause({ result }: RunOutcome): string | undefined {
  const settledSecond = Math.ceil(healedAtMs(result) / 1_000) + 2;
  const stray = result.timeline.filter((bucket) => (bucket.phase === 'baseline' || bucket.second >= settledSecond) && (bucket.categories.handshake_timeout ?? 0) > 0);
  return stray.length > 0 ? `handshake timeouts in seconds ${stray.map((bucket) => bucket.second).join(', ')}` : undefined;
}

// A 20 s drill plus its lab's start and stop: over the default 30 s test timeout on a loaded
// 2-core machine (it timed out at 30 s in a CI run at load 7-8, and again beside CPU hogs with the drill itself passing), as for
// every other full-length drill.
const DRILL_TIMEOUT_MS = 90_000;

describe('drill gateway-pause', () => {
  it('measures the hang as timeouts in the fault phase and a quick recovery', async () => {
    const { result, exitCode } = await retryIfMachineSpoiled(() => runDrill('gateway-pause'), timeoutsBeyondThePause);
    const fault = result.byPhase.fault!;
    expect(result.faults).toHaveLength(1);
    expect(result.faults[0]).toMatchObject({ kind: 'gateway-pause', atMs: 6_000, forMs: 4_000 });
    expect(result.faults[0]!.healedAtMs! - result.faults[0]!.injectedAtMs!).toBeGreaterThan(3_900);
    expect(result.byPhase.baseline!.successRate).toBe(1);
    expect(fault.categories.handshake_timeout / fault.attempts).toBeGreaterThan(0.5);
    // The thawed gateway first burns through the backlog queued during the pause (see the drill).
    expect(result.byPhase.recovery!.successRate).toBeGreaterThanOrEqual(0.95);
    expect(result.recovery?.timeMs).toBeLessThan(3_000);
    expect(result.blastRadius).toBeGreaterThan(0.5);
    expect(result.phases.map((window) => window.phase)).toEqual(['baseline', 'fault', 'recovery']);
    expect(exitCode).toBe(result.verdict === 'pass' ? 0 : 1);
    expect(result.verdict).toBe('pass');
  }, DRILL_TIMEOUT_MS);

  it('heals the fault when aborted in the middle of it, stops the lab and writes an aborted result', async () => {
    const { result, exitCode, dir } = await runDrill('gateway-pause', { abortAfterLog: { line: /fault gateway-pause: inject/, afterMs: 1_500 } });
    expect(exitCode).toBe(130);
    expect(result.status).toBe('aborted');
    expect(result.faults[0]!.injectedAtMs).toBeDefined();
    expect(result.faults[0]!.healedAtMs).toBeDefined();
    const saved = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as typeof result;
    expect(saved.status).toBe('aborted');
    expect(saved.summary.attempts).toBeGreaterThan(100);
    // Every gateway process is gone (a frozen one would survive SIGTERM).
    for (const component of result.lab.components) {
      if (component.pid !== undefined) expect(() => process.kill(component.pid!, 0)).toThrow();
    }
  }, DRILL_TIMEOUT_MS);
});
