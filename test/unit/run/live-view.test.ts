import { describe, expect, it } from 'vitest';
import { LiveView, renderLiveBlock, renderPlainLine, type LiveStatus } from '../../../src/run/index.js';

function status(overrides: Partial<LiveStatus> & { elapsedMs?: number; attempts?: number; succeeded?: number } = {}): LiveStatus {
  const { elapsedMs = 8_000, attempts = 160, succeeded = 150, ...rest } = overrides;
  return {
    scenario: 'ocsp-down-hard-fail',
    phase: 'fault',
    plannedDurationMs: 20_000,
    recentHandshakeP95Ms: 12.345,
    progress: { elapsedMs, attempts, succeeded, inFlight: 3, dropped: 0, lateStarts: 0, maxStartDelayMs: 0 },
    activeFaults: [{ label: 'ocsp-outage: OCSP responder down (connections refused)', sinceMs: 6_012 }],
    slos: [
      { expression: 'success.rate >= 99.9%', scope: 'baseline', state: 'met', measured: '100%' },
      { expression: 'category.ocsp_unavailable.rate >= 50%', scope: 'fault', state: 'breached', measured: '20%' },
      { expression: 'recovery.time < 5s', scope: 'run', state: 'pending' },
    ],
    ...rest,
  };
}

/** A fake terminal or log: records what was written. */
function output(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 200, write: (text: string) => writes.push(text) };
}

describe('renderLiveBlock', () => {
  it('shows progress, rates, p95, active faults and each SLO so far', () => {
    expect(renderLiveBlock(status(), { attemptsPerSecond: 20, successRate: 0.5 })).toEqual([
      'mtls-chaos ocsp-down-hard-fail  [############..................] 8s / 20s  phase fault',
      '  attempts 160  rate 20/s (avg 20/s)  success 93.75% (last second 50%)  handshake p95 12.35 ms  in flight 3',
      '  faults: ocsp-outage: OCSP responder down (connections refused) (since 6.01s)',
      '  SLOs so far:',
      '    met       baseline  success.rate >= 99.9%                  100%',
      '    BREACHED  fault     category.ocsp_unavailable.rate >= 50%  20%',
      '    pending   run       recovery.time < 5s                     no data yet',
    ]);
  });

  it('says when no fault is active and nothing finished yet', () => {
    const lines = renderLiveBlock(status({ elapsedMs: 0, attempts: 0, succeeded: 0, activeFaults: [], slos: [], recentHandshakeP95Ms: undefined, phase: 'baseline' }));
    expect(lines).toEqual([
      'mtls-chaos ocsp-down-hard-fail  [..............................] 0s / 20s  phase baseline',
      '  attempts 0  rate 0/s (avg 0/s)  success -  handshake p95 -  in flight 3',
      '  faults: none active',
    ]);
  });
});

describe('renderPlainLine', () => {
  it('puts the same facts on one line for CI logs', () => {
    expect(renderPlainLine(status())).toBe(
      '8s/20s fault  attempts 160 (20/s)  success 93.75%  handshake p95 12.35 ms  faults: ocsp-outage: OCSP responder down (connections refused)  SLOs 1 met, 1 breached, 1 pending',
    );
  });
});

describe('LiveView', () => {
  it('on a terminal redraws the block in place: cursor up over the previous block, clear, draw', () => {
    const out = output(true);
    const view = new LiveView(out);
    view.update(status());
    expect(out.writes).toHaveLength(1);
    expect(out.writes[0]!.split('\n')).toHaveLength(8); // 7 lines + trailing newline
    view.update(status({ elapsedMs: 9_000, attempts: 180, succeeded: 150 }));
    expect(out.writes[1]).toBe('\x1b[7A\r\x1b[J');
    expect(out.writes[2]).toContain('rate 20/s (avg 20/s)  success 83.33% (last second 0%)');
    // A log line goes above the block, which is drawn again under it.
    view.log('fault ocsp-outage: heal');
    expect(out.writes.slice(3)).toEqual(['\x1b[7A\r\x1b[J', 'fault ocsp-outage: heal\n', expect.stringContaining('mtls-chaos ocsp-down-hard-fail')]);
    view.end();
    expect(out.writes.at(-1)).toBe('\x1b[7A\r\x1b[J');
  });

  it('cuts lines to the terminal width so the cursor-up count stays right', () => {
    const out = { ...output(true), columns: 40 };
    new LiveView(out).update(status());
    for (const line of out.writes[0]!.split('\n')) expect(line.length).toBeLessThanOrEqual(39);
  });

  it('not on a terminal: a plain line every 5 s, no escape codes', () => {
    const out = output(false);
    let now = 0;
    const view = new LiveView(out, () => now);
    for (let second = 1; second <= 11; second++) {
      now = second * 1_000;
      view.update(status({ elapsedMs: now }));
    }
    view.log('fault ocsp-outage: inject');
    view.end();
    expect(out.writes.map((text) => text.slice(0, 7))).toEqual(['1s/20s ', '6s/20s ', '11s/20s', 'fault o']);
    expect(out.writes.join('')).not.toContain('\x1b');
  });
});
