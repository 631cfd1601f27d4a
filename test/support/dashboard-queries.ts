import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_PATH = fileURLToPath(new URL('../../contrib/grafana/mtls-chaos-dashboard.json', import.meta.url));

export interface DashboardQuery {
  /** The panel title, or `annotation: <name>` for an annotation query. */
  readonly source: string;
  readonly refId: string;
  /** The expression as Prometheus receives it: Grafana's own variables replaced. */
  readonly expr: string;
  /** Grafana asks for one instant (tables) instead of a range. */
  readonly instant: boolean;
}

interface Target {
  refId?: string;
  expr?: string;
  instant?: boolean;
}
interface Panel {
  title?: string;
  type?: string;
  targets?: Target[];
  panels?: Panel[];
}
interface Annotation {
  name?: string;
  expr?: string;
}
export interface Dashboard {
  panels?: Panel[];
  annotations?: { list?: Annotation[] };
  templating?: { list?: { name?: string; type?: string; query?: string }[] };
}

export function readDashboard(path = DASHBOARD_PATH): Dashboard {
  return JSON.parse(readFileSync(path, 'utf8')) as Dashboard;
}

/** Every panel, rows' collapsed children included, in dashboard order. */
export function dashboardPanels(dashboard: Dashboard = readDashboard()): Panel[] {
  return (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * Every PromQL expression of the dashboard (panel targets and annotation queries), ready to send
 * to Prometheus: `$__rate_interval` and `$__interval` become `rateInterval` (Grafana computes
 * them from the scrape interval and the time range; pick one that holds several scrapes) and
 * `$__range` becomes `range`. A variable left over is an error, so a new one is noticed here.
 * Used by the panel checks and by the after-drill check that each panel shows data.
 */
export function dashboardQueries(
  options: { rateInterval?: string; range?: string; dashboard?: Dashboard } = {},
): DashboardQuery[] {
  const { rateInterval = '1m', range = '5m', dashboard = readDashboard() } = options;
  const substitute = (expr: string, source: string): string => {
    const result = expr
      .replace(/\$\{?__rate_interval\}?|\$\{?__interval\}?/g, rateInterval)
      .replace(/\$\{?__range\}?/g, range);
    if (result.includes('$')) throw new Error(`${source}: unknown Grafana variable in ${JSON.stringify(expr)}`);
    return result;
  };
  const queries: DashboardQuery[] = [];
  for (const panel of dashboardPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      if (target.expr === undefined) continue;
      const source = panel.title ?? '(untitled panel)';
      queries.push({ source, refId: target.refId ?? '', expr: substitute(target.expr, source), instant: target.instant === true });
    }
  }
  for (const annotation of dashboard.annotations?.list ?? []) {
    if (annotation.expr === undefined) continue;
    const source = `annotation: ${annotation.name ?? '(unnamed)'}`;
    queries.push({ source, refId: '', expr: substitute(annotation.expr, source), instant: false });
  }
  return queries;
}
