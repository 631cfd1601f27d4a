import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDrill, type DrillEndpoint } from '../support/contract-shaped-drill.js';
import { dashboardQueries } from '../support/dashboard-queries.js';
import { RULES_PATH, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';

// A real Prometheus (Debian's 2.42) with the shipped rules, scraping every second an endpoint
// that serves an OCSP-outage drill shaped exactly like the metrics contract
// (test/support/contract-shaped-drill.ts): a clean baseline, then a minute of the responder down.
// The same check against a real run's exporter after a drill is pending (the exporter is being
// built); dashboardQueries() is what it will call.

interface RuleState {
  name: string;
  health: string;
  lastError?: string;
}
interface Alert {
  labels: Record<string, string>;
  state: string;
}
type QueryData = { resultType: string; result: unknown[] };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the shipped dashboard and rules on a real Prometheus', () => {
  let dir: string | undefined;
  let drill: DrillEndpoint | undefined;
  let prometheus: RunningPrometheus | undefined;
  let target: string;

  beforeAll(async () => {
    const now = Date.now() / 1000;
    drill = await serveDrill({ startSeconds: now - 180, faultStartSeconds: now - 60 });
    target = drill.target;
    dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-prometheus-'));
    const config = join(dir, 'prometheus.yml');
    await writeFile(config, [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 5s',
      'rule_files:',
      `  - ${JSON.stringify(RULES_PATH)}`,
      'scrape_configs:',
      '  - job_name: mtls-chaos',
      `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`,
      '',
    ].join('\n'));
    prometheus = await startPrometheus(config, join(dir, 'data'));
  }, 40_000);

  afterAll(async () => {
    await prometheus?.[Symbol.asyncDispose]();
    await drill?.[Symbol.asyncDispose]();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('parses every panel and annotation query and answers each with data', async () => {
    const server = prometheus!;
    const queries = dashboardQueries({ rateInterval: '1m' });
    expect(queries.length).toBeGreaterThanOrEqual(15);
    // rate() needs two scrapes; on a busy machine the first ones can take a few seconds.
    const deadline = Date.now() + 20_000;
    let empty: string[] = [];
    do {
      empty = [];
      for (const query of queries) {
        const answer = await server.api<QueryData>('/api/v1/query', { query: query.expr });
        expect(answer, `${query.source} ${query.refId}: ${query.expr}`).toMatchObject({ status: 'success' });
        if (answer.data.result.length === 0) empty.push(`${query.source} ${query.refId}: ${query.expr}`);
      }
      if (empty.length > 0) await sleep(500);
    } while (empty.length > 0 && Date.now() < deadline);
    expect(empty, 'queries without data').toEqual([]);
  });

  it('rejects a query it cannot parse (so success above means parsed)', async () => {
    const answer = await prometheus!.api('/api/v1/query', { query: 'sum by (category (rate(mtls_chaos_attempts_total[1m]))' });
    expect(answer).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  it('a missing prometheus server fails with the package to install', async () => {
    await expect(startPrometheus('/nonexistent/prometheus.yml', '/nonexistent/data', '/nonexistent/prometheus')).rejects.toThrow('apt-get install prometheus');
  });

  it('loads the rules, evaluates them without error, and fires the outage alerts', async () => {
    const server = prometheus!;
    // Groups start at an offset within their interval, and rate() needs two scrapes: the 5 s
    // groups fire within ~10 s (the 30 s certificate group may not have evaluated yet; promtool's
    // unit tests cover its alerts).
    const expected = ['MtlsHandshakeFailureBurnRate', 'MtlsClientCertificateFailures', 'MtlsOcspResponderFailing', 'MtlsGatewayCpuHigh'];
    const deadline = Date.now() + 25_000;
    let firing: Record<string, string>[] = [];
    while (Date.now() < deadline) {
      const alerts = await server.api<{ alerts: Alert[] }>('/api/v1/alerts');
      firing = alerts.data.alerts.filter((alert) => alert.state === 'firing').map((alert) => alert.labels);
      if (expected.every((name) => firing.some((labels) => labels.alertname === name))) break;
      await sleep(500);
    }
    const rules = (await server.api<{ groups: { rules: RuleState[] }[] }>('/api/v1/rules')).data.groups.flatMap((group) => group.rules);
    expect(rules).toHaveLength(22);
    expect(rules.filter((rule) => rule.health === 'err').map((rule) => `${rule.name}: ${rule.lastError}`)).toEqual([]);
    const scrape = { job: 'mtls-chaos', instance: target };
    expect(firing).toEqual(expect.arrayContaining([
      expect.objectContaining({ alertname: 'MtlsHandshakeFailureBurnRate', ...scrape }),
      expect.objectContaining({ alertname: 'MtlsClientCertificateFailures', category: 'ocsp_unavailable', ...scrape }),
      expect.objectContaining({ alertname: 'MtlsOcspResponderFailing', ...scrape }),
      expect.objectContaining({ alertname: 'MtlsGatewayCpuHigh', replica: 'gw-0', ...scrape }),
    ]));
    // Only what the drill broke: the idle replica and the other categories stay quiet.
    expect(firing.filter((labels) => labels.alertname === 'MtlsGatewayCpuHigh').map((labels) => labels.replica)).toEqual(['gw-0']);
    expect(firing.filter((labels) => labels.alertname === 'MtlsClientCertificateFailures').map((labels) => labels.category)).toEqual(['ocsp_unavailable']);
  });
});
