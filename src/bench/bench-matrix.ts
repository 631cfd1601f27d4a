import { UsageError } from '../errors.js';
import { gatewayKinds, type GatewayKindRegistry } from '../lab/index.js';
import type { KeyAlgorithm } from '../pki/index.js';
import type { Scenario } from '../scenario/index.js';
import type { BenchReport } from './bench-report.js';
import { renderTable } from './bench-table.js';

/** The dimensions a capacity plan cares about, in the order the table lists them. */
export const MATRIX_DIMENSIONS = ['key', 'chain', 'resumption', 'ocsp', 'tls'] as const;
export type MatrixDimension = (typeof MATRIX_DIMENSIONS)[number];

/** One point of the matrix: the scenario with (at most) one dimension changed from the first. */
export interface MatrixCombination {
  /** Undefined for the first combination (the scenario as written). */
  readonly dimension?: MatrixDimension;
  readonly label: string;
  /** e.g. "RSA-2048" or "chain 3": what this combination changed, for the comparison sentence. */
  readonly change: string;
  readonly scenario: Scenario;
}

const KEY_LABELS: Partial<Record<KeyAlgorithm, string>> = { 'ecdsa-p256': 'ECDSA P-256', 'rsa-2048': 'RSA-2048', ed25519: 'Ed25519' };
const KEY_VALUES = ['ecdsa-p256', 'rsa-2048', 'ed25519'] as const satisfies readonly KeyAlgorithm[];

/** "ECDSA P-256, chain 2, resumption off, OCSP off, TLS 1.3": the configuration a row benched. */
export function describeConfiguration(scenario: Scenario): string {
  const key = KEY_LABELS[scenario.pki.algorithm] ?? scenario.pki.algorithm;
  return [
    `${scenario.lab.gateway.kind}`,
    key,
    `chain ${scenario.pki.intermediates + 1}`,
    `resumption ${scenario.load.resumption ? 'on' : 'off'}`,
    `OCSP ${scenario.lab.gateway.ocsp.mode === 'off' ? 'off' : 'on'}`,
    `TLS ${tlsVersionOf(scenario)}`,
  ].join(', ');
}

function tlsVersionOf(scenario: Scenario): '1.2' | '1.3' {
  return scenario.load.tls?.maxVersion === 'TLSv1.2' ? '1.2' : '1.3';
}

/** Parses `--matrix` / `--matrix key,chain`: every dimension, or the ones named. */
export function parseMatrixDimensions(value: string | true): MatrixDimension[] {
  if (value === true) return [...MATRIX_DIMENSIONS];
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(MATRIX_DIMENSIONS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError('E_CLI_FLAG', `--matrix takes dimensions from ${MATRIX_DIMENSIONS.join(', ')}; got "${value}"`, {
      hint: 'e.g. --matrix key,chain, or --matrix alone for all of them',
    });
  }
  return MATRIX_DIMENSIONS.filter((dimension) => names.includes(dimension));
}

/**
 * The scenario as written first, then one combination per other value of each dimension, the
 * rest held as written (one factor at a time: 1 + 2 + 2 + 1 + 1 + 1 benches for every dimension,
 * not 72, and each row reads as the cost of one change). Dimensions a gateway kind cannot do are
 * left out and named in `skipped`.
 */
export function matrixCombinations(
  base: Scenario,
  dimensions: readonly MatrixDimension[],
  kinds: GatewayKindRegistry = gatewayKinds,
): { combinations: MatrixCombination[]; skipped: string[] } {
  // What the gateway kind can be asked for (its registry definition), with its reason when not.
  const { abilities } = kinds.definition(base.lab.gateway.kind);
  const combinations: MatrixCombination[] = [{ label: describeConfiguration(base), change: describeChange(base, undefined), scenario: base }];
  const skipped: string[] = [];
  const add = (dimension: MatrixDimension, scenario: Scenario) =>
    combinations.push({ dimension, label: describeConfiguration(scenario), change: describeChange(scenario, dimension), scenario });
  for (const dimension of dimensions) {
    switch (dimension) {
      case 'key':
        for (const algorithm of KEY_VALUES) {
          if (algorithm === base.pki.algorithm) continue;
          if (algorithm === 'ed25519' && abilities.ed25519 !== true) {
            skipped.push(`Ed25519: the ${base.lab.gateway.kind} gateway does not support it (${abilities.ed25519})`);
            continue;
          }
          add(dimension, { ...base, pki: { ...base.pki, algorithm } });
        }
        break;
      case 'chain':
        for (const intermediates of [0, 1, 2] as const) {
          if (intermediates !== base.pki.intermediates) add(dimension, { ...base, pki: { ...base.pki, intermediates } });
        }
        break;
      case 'resumption':
        add(dimension, { ...base, load: { ...base.load, resumption: !base.load.resumption } });
        break;
      case 'ocsp': {
        if (base.lab.gateway.config) {
          skipped.push(`OCSP: your own gateway config (${base.lab.gateway.config}) decides it`);
          break;
        }
        const on = base.lab.gateway.ocsp.mode !== 'off';
        if (!on && abilities.clientOcsp !== true) {
          skipped.push(`OCSP: the ${base.lab.gateway.kind} gateway does not check client certificates with OCSP (${abilities.clientOcsp})`);
          break;
        }
        add(dimension, {
          ...base,
          lab: {
            ...base.lab,
            gateway: { ...base.lab.gateway, ocsp: { ...base.lab.gateway.ocsp, mode: on ? 'off' : 'hard-fail' } },
            ocspResponder: base.lab.ocspResponder ?? { kind: 'builtin' },
          },
        });
        break;
      }
      case 'tls': {
        const { minVersion: _minVersion, maxVersion: _maxVersion, ...rest } = base.load.tls ?? {};
        const tls = tlsVersionOf(base) === '1.3' ? { ...rest, maxVersion: 'TLSv1.2' as const } : { ...rest, minVersion: 'TLSv1.3' as const };
        add(dimension, { ...base, load: { ...base.load, tls } });
        break;
      }
    }
  }
  return { combinations, skipped };
}

function describeChange(scenario: Scenario, dimension: MatrixDimension | undefined): string {
  switch (dimension) {
    case undefined:
      return describeConfiguration(scenario);
    case 'key':
      return KEY_LABELS[scenario.pki.algorithm] ?? scenario.pki.algorithm;
    case 'chain':
      return `chain ${scenario.pki.intermediates + 1}`;
    case 'resumption':
      return `resumption ${scenario.load.resumption ? 'on' : 'off'}`;
    case 'ocsp':
      return `OCSP ${scenario.lab.gateway.ocsp.mode === 'off' ? 'off' : 'on'}`;
    case 'tls':
      return `TLS ${tlsVersionOf(scenario)}`;
  }
}

/** What the first combination has in the dimension a row changed: "ECDSA P-256" for a key row. */
function baseValue(base: Scenario, dimension: MatrixDimension): string {
  return describeChange(base, dimension);
}

export interface MatrixRow {
  readonly combination: MatrixCombination;
  readonly report: BenchReport;
}

/**
 * The comparison table: each configuration's capacity and its cost relative to the first
 * ("RSA-2048 costs 3.1x ECDSA P-256"). A capacity that is only a lower bound (the generator or
 * --max stopped the search) is marked "≥" and so is any ratio built on it. Pure.
 */
export function formatMatrix(rows: readonly MatrixRow[], skipped: readonly string[] = []): string {
  const first = rows[0];
  if (!first) return 'no combinations\n';
  const baseCapacity = first.report.capacity;
  const header = ['configuration', 'capacity', 'limited by', 'relative', 'hs p95 ms', 'gw cpu'];
  const table = rows.map(({ combination, report }) => {
    const atCapacity = [...report.steps].reverse().find((step) => step.passed && step.offeredRate === report.capacity);
    return [
      combination.dimension ? `  ${combination.change}` : combination.label,
      `${report.atLeast ? '≥' : ''}${report.capacity}/s`,
      report.limitedBy,
      combination.dimension ? relative(report, first.report) : '1.00x',
      atCapacity ? atCapacity.latency.handshake.p95.toFixed(2) : '-',
      atCapacity?.gatewayCpu ? `${Math.round(atCapacity.gatewayCpu.p95)}%` : '-',
    ];
  });
  const lines = renderTable(header, table, new Set([1, 3, 4, 5]));
  const sentences = rows.slice(1).flatMap(({ combination, report }) => {
    if (!combination.dimension || report.capacity <= 0 || baseCapacity <= 0) return [];
    return [compare(combination.change, report, baseValue(first.combination.scenario, combination.dimension), first.report)];
  });
  return `${[...lines, '', ...sentences, ...skipped.map((note) => `skipped: ${note}`)].join('\n')}\n`;
}

/**
 * One sentence per change, claiming only what the bounds allow: a capacity limited by the
 * generator or --max is a lower bound, so two of them give no ratio at all.
 */
function compare(change: string, report: BenchReport, from: string, base: BenchReport): string {
  const ratio = report.capacity / base.capacity;
  if (report.atLeast && base.atLeast) {
    return `${change} vs ${from}: ≥${report.capacity}/s vs ≥${base.capacity}/s, both lower bounds (${report.limitedBy}, ${base.limitedBy}): no cost can be stated`;
  }
  if (report.atLeast) return `${change} takes at least ${ratio.toFixed(2)}x the handshakes/s of ${from} on this gateway`;
  if (base.atLeast) return `${change} costs at least ${(1 / ratio).toFixed(2)}x ${from} on this gateway`;
  return ratio <= 1
    ? `${change} costs ${(1 / ratio).toFixed(2)}x ${from} on this gateway`
    : `${change} takes ${ratio.toFixed(2)}x the handshakes/s of ${from} on this gateway`;
}

function relative(report: BenchReport, base: BenchReport): string {
  if (base.capacity <= 0) return '-';
  const ratio = report.capacity / base.capacity;
  return `${report.atLeast || base.atLeast ? '~' : ''}${ratio.toFixed(2)}x`;
}
