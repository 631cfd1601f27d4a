import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dashboardPanels, dashboardQueries, readDashboard, type Dashboard, type DashboardQuery } from '../../support/dashboard-queries.js';
import { exportedSeriesNames } from '../../support/metrics-contract.js';
import { RULES_PATH } from '../../support/prometheus.js';
import { promqlSeriesNames } from '../../support/promql-series-names.js';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}
const rules = (parse(readFileSync(RULES_PATH, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((group) => group.rules);
const recordingRules = new Set(rules.flatMap((rule) => (rule.record === undefined ? [] : [rule.record])));

/** `source: name` for every series an expression selects that is neither exported nor recorded. */
function unknownSeries(queries: readonly Pick<DashboardQuery, 'source' | 'expr'>[]): string[] {
  const known = new Set([...exportedSeriesNames(), ...recordingRules]);
  return queries.flatMap((query) => [...promqlSeriesNames(query.expr)].filter((name) => !known.has(name)).map((name) => `${query.source}: ${name}`));
}

describe('contrib/grafana/mtls-chaos-dashboard.json', () => {
  const dashboard = readDashboard();
  const panels = dashboardPanels(dashboard).filter((panel) => panel.type !== 'row');
  const queries = dashboardQueries();
  const byTitle = (title: string) => queries.filter((query) => query.source === title).map((query) => query.expr);

  it('queries a Prometheus picked by a datasource variable, in every panel, target and annotation', () => {
    expect(dashboard.templating?.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    const raw = JSON.parse(readFileSync(new URL('../../../contrib/grafana/mtls-chaos-dashboard.json', import.meta.url), 'utf8')) as {
      panels: { type: string; title: string; datasource?: unknown; targets?: { datasource?: unknown }[] }[];
      annotations: { list: { name: string; expr?: string; datasource?: unknown }[] };
    };
    for (const panel of raw.panels.filter((panel) => panel.type !== 'row')) {
      expect(panel.datasource, panel.title).toEqual(DATASOURCE);
      for (const target of panel.targets ?? []) expect(target.datasource, panel.title).toEqual(DATASOURCE);
    }
    for (const annotation of raw.annotations.list.filter((annotation) => annotation.expr !== undefined)) {
      expect(annotation.datasource, annotation.name).toEqual(DATASOURCE);
    }
  });

  it('has the on-call and debug panels', () => {
    expect(byTitle('Failures by category')).toEqual([expect.stringMatching(/sum by \(category\) \(rate\(mtls_chaos_attempts_total\{category!="ok"\}/)]);
    expect(byTitle('Handshake latency p95')).toContain('histogram_quantile(0.95, sum by (le) (rate(mtls_chaos_handshake_duration_seconds_bucket[1m])))');
    expect(byTitle('Failures by replica')).toEqual([expect.stringMatching(/sum by \(replica, category\)/)]);
    expect(byTitle('OCSP answer latency p95')).toContain('histogram_quantile(0.95, sum by (le) (rate(mtls_chaos_ocsp_response_duration_seconds_bucket[1m])))');
    expect(byTitle('Attempts/s by phase')).toEqual(expect.arrayContaining([expect.stringContaining('mtls_chaos_attempts_total'), expect.stringContaining('mtls_chaos_offered_attempts_total')]));
    expect(byTitle('Gateway and generator CPU')).toEqual(expect.arrayContaining([expect.stringContaining('mtls_chaos_gateway_cpu_percent'), expect.stringContaining('mtls_chaos_generator_cpu_percent')]));
    const expiry = queries.filter((query) => query.source === 'Certificate expiry');
    expect(expiry).toEqual([expect.objectContaining({ expr: 'mtls_chaos_certificate_expiry_seconds', instant: true })]);
    expect(panels.find((panel) => panel.title === 'Certificate expiry')?.type).toBe('table');
  });

  it('marks each fault on every panel with an annotation from mtls_chaos_fault_active', () => {
    const faults = dashboard.annotations?.list?.find((annotation) => annotation.expr?.includes('mtls_chaos_fault_active'));
    expect(faults).toMatchObject({ name: 'Faults', enable: true, titleFormat: '{{kind}}' });
  });

  it('selects only series a run exports or the shipped rules record', () => {
    expect(queries.length).toBeGreaterThanOrEqual(15);
    expect(unknownSeries(queries)).toEqual([]);
    // The rules file itself, recording rules included, holds to the same list.
    expect(unknownSeries(rules.map((rule) => ({ source: rule.record ?? rule.alert ?? '?', expr: rule.expr })))).toEqual([]);
  });

  it('reports a panel that selects a series nobody exports', () => {
    const typo = { source: 'Handshake latency p95', expr: 'histogram_quantile(0.95, sum by (le) (rate(mtls_chaos_handshake_seconds_bucket{phase="fault"}[1m])))' };
    expect(unknownSeries([typo])).toEqual(['Handshake latency p95: mtls_chaos_handshake_seconds_bucket']);
    expect([...promqlSeriesNames('sum by (job, instance) (rate(a_total{x="y:z"}[30s])) / on (job) group_left b or vector(0)')]).toEqual(['a_total', 'b']);
  });

  it('has rows that are headers only (Grafana ignores settings on a row)', () => {
    const rows = (dashboard.panels ?? []).filter((panel) => panel.type === 'row');
    expect(rows.map((row) => row.title)).toEqual(['On call', 'Debug']);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(['collapsed', 'gridPos', 'id', 'panels', 'title', 'type']);
  });

  it('has unique panel ids and a grid whose panels neither overlap nor pass 24 columns', () => {
    const all = dashboardPanels(dashboard) as { id: number; title: string; gridPos: { x: number; y: number; w: number; h: number } }[];
    expect(new Set(all.map((panel) => panel.id)).size).toBe(all.length);
    for (const [index, a] of all.entries()) {
      expect(a.gridPos.x + a.gridPos.w, a.title).toBeLessThanOrEqual(24);
      for (const b of all.slice(index + 1)) {
        const overlap = a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w
          && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
  });

  it('dashboardQueries replaces Grafana variables and refuses one it does not know', () => {
    expect(queries.every((query) => !query.expr.includes('$'))).toBe(true);
    expect(dashboardQueries({ rateInterval: '30s' }).find((query) => query.source === 'Failures by category')?.expr).toContain('[30s]');
    const unknown: Dashboard = { panels: [{ title: 'Per job', targets: [{ refId: 'A', expr: 'up{job="$job"}' }] }] };
    expect(() => dashboardQueries({ dashboard: unknown })).toThrow('Per job: unknown Grafana variable');
  });
});
