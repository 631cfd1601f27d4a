import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { judgeAlerts } from '../../src/observe/index.js';
import type { FaultRecord, RunResult } from '../../src/result/index.js';
import { evaluateSlos, parseSlo, type SloEvidenceSource } from '../../src/slo/index.js';
import { serveDrill } from '../support/contract-shaped-drill.js';
import { RULES_PATH, startPrometheus } from '../support/prometheus.js';

// Time to detect, end to end on a real Prometheus (Debian's 2.42) scraping two loopback endpoints
// every second until the run's exporter can be scraped instead:
// - the contract-shaped OCSP-outage drill (test/support/contract-shaped-drill.ts) under the
//   shipped rules: its responder goes down BASELINE_MS after the load start and stays down;
// - a gauge mtls_chaos_fault_active that is 1 from BASELINE_MS to HEAL_MS, under rules of our own
//   evaluated every second: one alert that fires on it, one whose threshold is too loose to fire.
// Bounds are the fault's window, not tight figures: Prometheus's scrape and evaluation ticks are
// its own, and the machine is shared.

const BASELINE_MS = 8_000;
const HEAL_MS = 14_000;
const END_MS = 22_000;

const OWN_RULES = `groups:
  - name: detect-test
    interval: 1s
    rules:
      - alert: MtlsTestFaultActive
        expr: max by (job, instance) (mtls_chaos_fault_active{job="gauge"}) == 1
        for: 1s
      - alert: MtlsTestTooLoose
        expr: max by (job, instance) (mtls_chaos_fault_active{job="gauge"}) > 1
        for: 1s
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serveGauge(value: () => number): Promise<{ target: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    response
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      .end(`# TYPE mtls_chaos_fault_active gauge\nmtls_chaos_fault_active{kind="gateway-pause",id="pause-1"} ${value()}\n`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    target: `127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function judge(expression: string, alerts: RunResult['alerts'], faults: FaultRecord[]) {
  const phases = [
    { phase: 'baseline', startMs: 0, endMs: BASELINE_MS },
    { phase: 'fault', startMs: BASELINE_MS, endMs: faults[0]?.healedAtMs ?? END_MS },
    ...(faults[0]?.healedAtMs ? [{ phase: 'recovery', startMs: faults[0].healedAtMs, endMs: END_MS }] : []),
  ];
  const evidence = { summary: undefined, byPhase: {}, cpu: {}, phases, faults, alerts } as unknown as SloEvidenceSource;
  return evaluateSlos([{ slo: parseSlo(expression), scope: 'run' }], evidence)[0]!;
}

describe('judgeAlerts on a real Prometheus', () => {
  it('reads when each alert fired, relative to the load start, and the alert SLOs judge it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-detect-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    let loadStartEpochMs = Number.POSITIVE_INFINITY;
    const gauge = await serveGauge(() => {
      const elapsed = Date.now() - loadStartEpochMs;
      return elapsed >= BASELINE_MS && elapsed < HEAL_MS ? 1 : 0;
    });
    onTestFinished(() => gauge.close());
    // The drill's fault time is fixed when it starts serving: placed once Prometheus is up below.
    const timeline = { startSeconds: Date.now() / 1_000 - 60, faultStartSeconds: Number.POSITIVE_INFINITY };
    const drill = await serveDrill(timeline);
    onTestFinished(() => drill[Symbol.asyncDispose]());

    const rules = join(dir, 'own.rules.yml');
    await writeFile(rules, OWN_RULES);
    const config = join(dir, 'prometheus.yml');
    await writeFile(config, [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${JSON.stringify(RULES_PATH)}`,
      `  - ${JSON.stringify(rules)}`,
      'scrape_configs:',
      '  - job_name: drill',
      `    static_configs: [{ targets: [${JSON.stringify(drill.target)}] }]`,
      '  - job_name: gauge',
      `    static_configs: [{ targets: [${JSON.stringify(gauge.target)}] }]`,
      '',
    ].join('\n'));
    const prometheus = await startPrometheus(config, join(dir, 'data'));
    onTestFinished(() => prometheus[Symbol.asyncDispose]());

    // The load "starts" once both targets have been scraped, as a run starts its load after its lab.
    for (let tries = 0; ; tries += 1) {
      const up = await prometheus.api<{ result: unknown[] }>('/api/v1/query', { query: 'up == 1' });
      if (up.data.result.length === 2) break;
      if (tries > 100) throw new Error('Prometheus never scraped both targets');
      await sleep(200);
    }
    loadStartEpochMs = Date.now();
    (timeline as { faultStartSeconds: number }).faultStartSeconds = (loadStartEpochMs + BASELINE_MS) / 1_000;
    await sleep(END_MS);

    const alerts = await judgeAlerts({ prometheusUrl: prometheus.url, loadStartEpochMs, endEpochMs: Date.now() });
    const byName = new Map(alerts.map((alert) => [alert.name, alert]));
    // Every alerting rule is reported, fired or not, with its group's interval.
    expect([...byName.keys()]).toEqual(expect.arrayContaining(['MtlsHandshakeFailureBurnRate', 'MtlsOcspResponderFailing', 'MtlsTestFaultActive', 'MtlsTestTooLoose']));
    expect(byName.get('MtlsTestTooLoose')).toEqual({ name: 'MtlsTestTooLoose', firings: [], evaluationIntervalMs: 1_000 });
    expect(byName.get('MtlsHandshakeFailureBurnRate')?.evaluationIntervalMs).toBe(5_000);

    // The gauge's alert: one firing, inside the fault, cleared after the heal and before the end.
    const own = byName.get('MtlsTestFaultActive')!;
    expect(own.firings).toHaveLength(1);
    const [firing] = own.firings;
    expect(firing!.fromMs).toBeGreaterThan(BASELINE_MS);
    expect(firing!.fromMs).toBeLessThan(HEAL_MS);
    expect(firing!.toMs).toBeGreaterThan(HEAL_MS);
    expect(firing!.toMs).toBeLessThan(END_MS);
    const paused: FaultRecord = { kind: 'gateway-pause', description: 'paused', atMs: BASELINE_MS, forMs: HEAL_MS - BASELINE_MS, injectedAtMs: BASELINE_MS, healedAtMs: HEAL_MS };
    expect(judge('alert.MtlsTestFaultActive.detect < 6s', alerts, [paused])).toMatchObject({ passed: true, measured: firing!.fromMs - BASELINE_MS });
    expect(judge('alert.MtlsTestFaultActive.clear < 8s', alerts, [paused])).toMatchObject({ passed: true, measured: firing!.toMs! - HEAL_MS });
    // A threshold too loose to fire fails detect with a message that says so.
    expect(judge('alert.MtlsTestTooLoose.detect < 2m', alerts, [paused])).toMatchObject({
      passed: false,
      note: 'alert MtlsTestTooLoose never fired after the fault was injected at 8s (Prometheus evaluated the rules every 1s; nothing crossed the threshold)',
    });

    // The shipped burn-rate alert detects the OCSP outage inside its window (it never heals here).
    const outage: FaultRecord = { kind: 'ocsp-outage', description: 'responder down', atMs: BASELINE_MS, injectedAtMs: BASELINE_MS };
    const detect = judge('alert.MtlsHandshakeFailureBurnRate.detect < 2m', alerts, [outage]);
    expect(detect).toMatchObject({ passed: true });
    expect(detect.measured).toBeLessThan(END_MS - BASELINE_MS);
  }, 60_000);
});
