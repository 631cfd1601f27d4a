import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runScenario } from '../../src/run/index.js';
import { validateScenario } from '../../src/scenario/index.js';
import { startPrometheus } from '../support/prometheus.js';

// A real drill (node gateway paused 2-7 s) read by a real Prometheus whose rules follow the drill's
// fault through a gauge this test serves, a stand-in for the run's own exporter: the run reads
// what the alerts did (alertsFrom) into result.alerts, judges the alert SLOs and reports them.

const FAULT_AT_MS = 2_000;
const FAULT_FOR_MS = 5_000;

const RULES = `groups:
  - name: run-test
    interval: 1s
    rules:
      - alert: RunTestFaultActive
        expr: max(run_test_fault_active) == 1
        for: 1s
      - alert: RunTestTooLoose
        expr: max(run_test_fault_active) > 1
`;

describe('a run with observe.prometheus reads its alerts', () => {
  it('records result.alerts, judges alert SLOs on them and reports them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-run-alerts-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    let loadStartedAt = Number.POSITIVE_INFINITY;
    const gauge = createServer((_request, response) => {
      const elapsed = Date.now() - loadStartedAt;
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`run_test_fault_active ${elapsed >= FAULT_AT_MS && elapsed < FAULT_AT_MS + FAULT_FOR_MS ? 1 : 0}\n`);
    }).listen(0, '127.0.0.1');
    await once(gauge, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => gauge.close(() => resolve())));
    await writeFile(join(dir, 'rules.yml'), RULES);
    await writeFile(join(dir, 'prometheus.yml'), [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: [${JSON.stringify(join(dir, 'rules.yml'))}]`,
      `scrape_configs: [{ job_name: run, static_configs: [{ targets: ["127.0.0.1:${(gauge.address() as { port: number }).port}"] }] }]`,
      '',
    ].join('\n'));
    const prometheus = await startPrometheus(join(dir, 'prometheus.yml'), join(dir, 'data'));
    onTestFinished(() => prometheus[Symbol.asyncDispose]());
    // Prometheus 2.42 applies its scrape targets on a 5 s tick after it is ready: until the first
    // scrape, a run would go unobserved (the run's own Prometheus must wait for it just the same).
    for (let tries = 0; (await prometheus.api<{ result: unknown[] }>('/api/v1/query', { query: 'up == 1' })).data.result.length === 0; tries += 1) {
      if (tries > 100) throw new Error('Prometheus never scraped the gauge');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const scenario = validateScenario(
      {
        name: 'run-alerts',
        description: 'The node gateway pauses 5 s; the alert on the fault gauge must page and clear.',
        lab: { gateway: { kind: 'node' } },
        load: { rate: '20/s', duration: '10s', timeout: '1s' },
        faults: [{ at: '2s', for: '5s', kind: 'gateway-pause' }],
        observe: { prometheus: { rules: './rules.yml' } },
        slos: ['alert.RunTestFaultActive.detect < 5s', { expr: 'alert.RunTestFaultActive.count == 0', phase: 'baseline' }, 'alert.RunTestTooLoose.detect < 1m'],
      },
      join(dir, 'drill.yaml'),
    );
    const { result, exitCode, dir: runDir } = await runScenario(scenario, {
      outDir: join(dir, 'reports'),
      signal: new AbortController().signal,
      log: (line) => {
        if (line === 'load started') loadStartedAt = Date.now();
      },
      alertsFrom: { prometheusUrl: prometheus.url },
    });

    const injectedAtMs = result.faults[0]!.injectedAtMs!;
    const fired = result.alerts?.find((alert) => alert.name === 'RunTestFaultActive');
    expect(fired?.firings).toHaveLength(1);
    expect(fired!.firings[0]!.fromMs).toBeGreaterThan(injectedAtMs);
    expect(fired!.firings[0]!.fromMs).toBeLessThan(result.faults[0]!.healedAtMs!);
    expect(result.alerts?.find((alert) => alert.name === 'RunTestTooLoose')).toEqual({ name: 'RunTestTooLoose', firings: [], evaluationIntervalMs: 1_000 });
    expect(result.slos.map((slo) => [slo.expression, slo.passed])).toEqual([
      ['alert.RunTestFaultActive.detect < 5s', true],
      ['alert.RunTestFaultActive.count == 0', true],
      ['alert.RunTestTooLoose.detect < 1m', false],
    ]);
    expect(result.slos[0]!.measured).toBe(fired!.firings[0]!.fromMs - injectedAtMs);
    expect(result.slos[2]!.note).toMatch(/^alert RunTestTooLoose never fired after the fault was injected at 2(\.\d+)?s \(Prometheus evaluated the rules every 1s; nothing crossed the threshold\)$/);
    expect(result.verdict).toBe('fail');
    expect(exitCode).toBe(1);
    expect(await readFile(join(runDir, 'summary.md'), 'utf8')).toContain('| RunTestTooLoose | 1s | 0 | never fired |');
    expect(JSON.parse(await readFile(join(runDir, 'result.json'), 'utf8')).alerts).toEqual(result.alerts);
  }, 90_000);
});
