import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../../../src/result/index.js';
import { evaluateSlos, parseSlo, type SloEvidenceSource } from '../../../src/slo/index.js';

const evidence = (faults: FaultRecord[]): SloEvidenceSource =>
  ({ summary: undefined, byPhase: {}, cpu: { gateway: undefined, generator: undefined }, faults }) as unknown as SloEvidenceSource;

const judge = (faults: FaultRecord[]) => evaluateSlos([{ slo: parseSlo('effect.latency < 3s'), scope: 'run' }], evidence(faults))[0]!;

const revocation = (afterMs?: number): FaultRecord => ({
  kind: 'revocation',
  description: 'client-1 revoked',
  atMs: 6_000,
  forMs: 6_000,
  injectedAtMs: 6_001,
  healedAtMs: 12_000,
  effect: { category: 'cert_revoked', identity: 'client-1', ...(afterMs === undefined ? {} : { afterMs }) },
});

describe('SLO effect.latency', () => {
  it('is the slowest effect among the faults that name one', () => {
    expect(judge([revocation(1_200)])).toMatchObject({ measured: 1_200, passed: true, unit: 'ms' });
    expect(judge([revocation(1_200), revocation(3_400)])).toMatchObject({ measured: 3_400, passed: false });
  });

  it('fails with a note when the effect was never seen, or no fault names one', () => {
    expect(judge([revocation()])).toMatchObject({ passed: false, note: expect.stringMatching(/no attempt of client-1 ended as cert_revoked/) });
    expect(judge([{ kind: 'gateway-pause', description: 'x', atMs: 0 }])).toMatchObject({ passed: false, note: expect.stringMatching(/names an effect/) });
  });
});
