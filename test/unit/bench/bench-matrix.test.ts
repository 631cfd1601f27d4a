import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMatrix, matrixCombinations, parseMatrixDimensions, type BenchReport } from '../../../src/bench/index.js';
import { BUILT_IN_SCENARIO_DIR, loadScenario } from '../../../src/scenario/index.js';

describe('matrixCombinations', () => {
  it('varies one dimension at a time from the scenario as written', async () => {
    const base = await loadScenario(join(BUILT_IN_SCENARIO_DIR, 'bench-nginx.ts'));
    const { combinations, skipped } = matrixCombinations(base, parseMatrixDimensions(true));
    expect(skipped).toEqual([]);
    expect(combinations.map((combination) => combination.change)).toEqual([
      'nginx, ECDSA P-256, chain 2, resumption off, OCSP off, TLS 1.3',
      'RSA-2048',
      'Ed25519',
      'chain 1',
      'chain 3',
      'resumption on',
      'OCSP on',
      'TLS 1.2',
    ]);
    const byChange = new Map(combinations.map((combination) => [combination.change, combination.scenario]));
    expect(byChange.get('chain 3')!.pki.intermediates).toBe(2);
    expect(byChange.get('resumption on')!.load.resumption).toBe(true);
    expect(byChange.get('OCSP on')!.lab.gateway.ocsp.mode).toBe('hard-fail');
    expect(byChange.get('OCSP on')!.lab.ocspResponder).toEqual({ kind: 'builtin' });
    expect(byChange.get('TLS 1.2')!.load.tls).toEqual({ maxVersion: 'TLSv1.2' });
    // Everything else stays as written.
    expect(byChange.get('RSA-2048')!.lab).toEqual(base.lab);
  });

  it('leaves out what a gateway kind cannot do and says so', async () => {
    const base = await loadScenario(join(BUILT_IN_SCENARIO_DIR, 'bench-nginx.ts'));
    const other = { ...base, lab: { ...base.lab, gateway: { ...base.lab.gateway, kind: 'haproxy' as 'nginx' } } };
    const { combinations, skipped } = matrixCombinations(other, parseMatrixDimensions('ocsp,tls'));
    expect(combinations.map((combination) => combination.change).slice(1)).toEqual(['TLS 1.2']);
    expect(skipped).toEqual(['OCSP: the haproxy gateway does not check client certificates with OCSP (haproxy checks client certificates against CRLs only (use crl: true), never OCSP)']);
  });

  it('refuses unknown dimensions with E_CLI_FLAG', () => {
    expect(() => parseMatrixDimensions('key,colour')).toThrow(/--matrix takes dimensions from key, chain, resumption, ocsp, tls/);
  });
});

describe('formatMatrix', () => {
  const report = (capacity: number, limitedBy: BenchReport['limitedBy']): BenchReport =>
    ({ capacity, limitedBy, atLeast: !limitedBy.startsWith('slo:'), steps: [] }) as unknown as BenchReport;

  it('prints each capacity relative to the first and one sentence per change', async () => {
    const base = await loadScenario(join(BUILT_IN_SCENARIO_DIR, 'bench-nginx.ts'));
    const { combinations } = matrixCombinations(base, ['key']);
    const text = formatMatrix([
      { combination: combinations[0]!, report: report(620, 'slo:handshake.p95 < 100ms') },
      { combination: combinations[1]!, report: report(200, 'slo:handshake.p95 < 100ms') },
      { combination: combinations[2]!, report: report(700, 'generator') },
    ]);
    expect(text).toMatch(/^nginx, ECDSA P-256, chain 2, resumption off, OCSP off, TLS 1\.3\s+620\/s\s+slo:handshake\.p95 < 100ms\s+1\.00x/m);
    expect(text).toMatch(/^ {2}RSA-2048\s+200\/s\s+slo:handshake\.p95 < 100ms\s+0\.32x/m);
    expect(text).toMatch(/^ {2}Ed25519\s+≥700\/s\s+generator\s+~1\.13x/m);
    expect(text).toMatch(/^RSA-2048 costs 3\.10x ECDSA P-256 on this gateway$/m);
    expect(text).toMatch(/^Ed25519 takes at least 1\.13x the handshakes\/s of ECDSA P-256 on this gateway$/m);
  });

  it('states no ratio between two lower bounds', async () => {
    const base = await loadScenario(join(BUILT_IN_SCENARIO_DIR, 'bench-nginx.ts'));
    const { combinations } = matrixCombinations(base, ['chain']);
    const text = formatMatrix([
      { combination: combinations[0]!, report: report(60, 'generator') },
      { combination: combinations[1]!, report: report(80, 'generator') },
      { combination: combinations[2]!, report: report(20, 'slo:handshake.p95 < 100ms') },
    ]);
    expect(text).toMatch(/^chain 1 vs chain 2: ≥80\/s vs ≥60\/s, both lower bounds \(generator, generator\): no cost can be stated$/m);
    expect(text).toMatch(/^chain 3 costs at least 3\.00x chain 2 on this gateway$/m);
  });
});
