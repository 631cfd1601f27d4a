import { describe, expect, it } from 'vitest';
import type { AlertRecord, FaultRecord, RunResult } from '../../../src/result/index.js';
import { evaluateSlos, parseSlo, type SloEvidenceSource } from '../../../src/slo/index.js';
import type { SloScope } from '../../../src/slo/index.js';

// A drill of 30 s: baseline 0-6 s, fault 6-16 s, recovery 16-30 s.
const fault: FaultRecord = { kind: 'gateway-pause', description: 'paused', atMs: 6_000, forMs: 10_000, injectedAtMs: 6_010, healedAtMs: 16_020 };
const phases: RunResult['phases'] = [
  { phase: 'baseline', startMs: 0, endMs: 6_010 },
  { phase: 'fault', startMs: 6_010, endMs: 16_020 },
  { phase: 'recovery', startMs: 16_020, endMs: 30_000 },
];

const evidence = (alerts: AlertRecord[] | undefined, faults: FaultRecord[] = [fault]): SloEvidenceSource =>
  ({ summary: undefined, byPhase: {}, cpu: { gateway: undefined, generator: undefined }, phases, faults, ...(alerts ? { alerts } : {}) }) as unknown as SloEvidenceSource;

const judge = (expression: string, alerts: AlertRecord[] | undefined, scope: SloScope = 'run', faults?: FaultRecord[]) =>
  evaluateSlos([{ slo: parseSlo(expression), scope }], evidence(alerts, faults))[0]!;

const burn = (...firings: AlertRecord['firings']): AlertRecord => ({ name: 'MtlsBurn', firings, evaluationIntervalMs: 1_000 });

describe('SLO grammar: alert.<Name>.*', () => {
  it('keeps the alert name as written and lower-cases the rest', () => {
    expect(parseSlo('ALERT.MtlsBurn.Detect < 2m')).toMatchObject({ metric: 'alert.MtlsBurn.detect', unit: 'ms', threshold: 120_000 });
    expect(parseSlo('alert.job:Mtls_Burn.clear<5m')).toMatchObject({ metric: 'alert.job:Mtls_Burn.clear', unit: 'ms', threshold: 300_000 });
    expect(parseSlo('alert.MtlsBurn.count == 0')).toMatchObject({ metric: 'alert.MtlsBurn.count', unit: 'count', threshold: 0 });
  });

  it('refuses an unknown statistic or a unit that does not fit', () => {
    expect(() => parseSlo('alert.MtlsBurn.fired < 2m')).toThrow(expect.objectContaining({ code: 'E_SLO_SYNTAX', message: expect.stringMatching(/alert\.<Name>\.detect/) }));
    expect(() => parseSlo('alert.MtlsBurn.count == 1s')).toThrow(expect.objectContaining({ code: 'E_SLO_SYNTAX' }));
  });
});

describe('alert SLO verdicts', () => {
  it('detect: first firing at or after the injection, minus the injection', () => {
    const alerts = [burn({ fromMs: 9_010, toMs: 19_010 })];
    expect(judge('alert.MtlsBurn.detect < 5s', alerts)).toMatchObject({ measured: 3_000, passed: true });
    expect(judge('alert.MtlsBurn.detect < 2s', alerts)).toMatchObject({ measured: 3_000, passed: false });
  });

  it('detect: an alert that never fired fails with a note naming the injection and the evaluation interval', () => {
    expect(judge('alert.MtlsBurn.detect < 2m', [burn()])).toMatchObject({
      passed: false,
      note: 'alert MtlsBurn never fired after the fault was injected at 6.01s (Prometheus evaluated the rules every 1s; nothing crossed the threshold)',
    });
  });

  it('detect: a page already firing before the fault is no detection', () => {
    const verdict = judge('alert.MtlsBurn.detect < 2m', [burn({ fromMs: 2_000 })]);
    expect(verdict).toMatchObject({ passed: false, note: expect.stringMatching(/already firing before the injection/) });
  });

  it('clear: end of the firing active at the heal, minus the heal; still firing is a failing note', () => {
    expect(judge('alert.MtlsBurn.clear < 5s', [burn({ fromMs: 9_010, toMs: 19_020 })])).toMatchObject({ measured: 3_000, passed: true });
    expect(judge('alert.MtlsBurn.clear < 5s', [burn({ fromMs: 9_010 })])).toMatchObject({
      passed: false,
      note: 'alert MtlsBurn was still firing when the run ended, 13.98s after the last heal at 16.02s',
    });
    // Cleared during the fault already: nothing to wait for after the heal.
    expect(judge('alert.MtlsBurn.clear < 5s', [burn({ fromMs: 9_010, toMs: 12_000 })])).toMatchObject({ measured: 0, passed: true });
  });

  it('count: firings that started in the scope', () => {
    const alerts = [burn({ fromMs: 2_000, toMs: 3_000 }, { fromMs: 9_010, toMs: 19_020 })];
    expect(judge('alert.MtlsBurn.count == 0', alerts, 'baseline')).toMatchObject({ measured: 1, passed: false });
    expect(judge('alert.MtlsBurn.count == 1', alerts, 'fault')).toMatchObject({ measured: 1, passed: true });
    expect(judge('alert.MtlsBurn.count == 0', alerts, 'recovery')).toMatchObject({ measured: 0, passed: true });
    expect(judge('alert.MtlsBurn.count == 2', alerts)).toMatchObject({ measured: 2, passed: true });
  });

  it('the alert name is case-sensitive; no timeline or no such alert is no evidence', () => {
    expect(judge('alert.mtlsburn.count == 0', [burn()])).toMatchObject({ passed: false, note: 'no alert named mtlsburn in the rules Prometheus ran (its alerts: MtlsBurn)' });
    expect(judge('alert.MtlsBurn.count == 0', undefined)).toMatchObject({ passed: false, note: expect.stringMatching(/no alert timeline was recorded/) });
  });

  it('detect and clear need a fault that was injected and healed', () => {
    expect(judge('alert.MtlsBurn.detect < 2m', [burn()], 'run', [])).toMatchObject({ passed: false, note: expect.stringMatching(/nothing to detect/) });
    const unhealed = { ...fault, forMs: undefined, healedAtMs: undefined };
    expect(judge('alert.MtlsBurn.clear < 2m', [burn()], 'run', [unhealed])).toMatchObject({ passed: false, note: expect.stringMatching(/never healed/) });
  });
});
