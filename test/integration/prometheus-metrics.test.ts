import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { pickFreePort } from '../../src/lab/free-port.js';
import { RunMetrics, startPrometheus, startRemoteWritePusher, type PromSample, type StartedPrometheus } from '../../src/observe/index.js';
import type { RunResult } from '../../src/result/index.js';
import { runCli } from '../support/run-cli.js';
import { runAndSignal } from '../support/signal-run.js';
import { dashboardQueries } from '../support/dashboard-queries.js';
import { RULES_PATH } from '../support/prometheus.js';

const SUM_BY_PHASE_AND_CATEGORY = 'sum by (phase, category) (last_over_time(mtls_chaos_attempts_total[10m]))';

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function prometheus(options: Omit<Parameters<typeof startPrometheus>[0], 'workDir' | 'signal'>): Promise<StartedPrometheus> {
  const started = await startPrometheus({ workDir: await tempDir('mtls-chaos-test-prometheus-'), signal: AbortSignal.timeout(60_000), ...options });
  onTestFinished(() => started.stop());
  return started;
}

/** "phase/category" -> count, non-zero only (Prometheus has no series for a category never seen). */
function countsOfResult(result: RunResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [phase, span] of Object.entries(result.byPhase)) {
    for (const [category, count] of Object.entries(span!.categories)) if (count > 0) counts[`${phase}/${category}`] = count;
  }
  return counts;
}

function countsOfQuery(samples: readonly PromSample[]): Record<string, number> {
  return Object.fromEntries(samples.filter((sample) => sample.value > 0).map((sample) => [`${sample.labels.phase}/${sample.labels.category}`, sample.value]));
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  return Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, count]) => b[key] === count);
}

/** The last samples are in Prometheus once the run returns; a few ms of ingestion may remain (the answer cannot change after that: the run is gone). */
async function settledQuery(server: StartedPrometheus, promql: string, expected: Record<string, number>): Promise<Record<string, number>> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const counts = countsOfQuery(await server.query(promql));
    if (sameCounts(counts, expected) || Date.now() > deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('live metrics seen by a real Prometheus', () => {
  it('an OCSP outage drill: PromQL sums per phase and category equal result.json exactly, scraped and remote-written', async () => {
    const port = await pickFreePort();
    // One run, two Prometheus servers: one scrapes the run's listener every second, the other
    // only receives remote write (a CI runner that nothing scrapes).
    // The scraper also evaluates the shipped rules (contrib/prometheus/), for the dashboard's checks below.
    const scraper = await prometheus({ scrapeTargets: [`127.0.0.1:${port}`], scrapeIntervalMs: 1_000, ruleFiles: [RULES_PATH] });
    const receiver = await prometheus({ remoteWriteReceiver: true });
    const out = await tempDir('mtls-chaos-test-metrics-run-');
    const cli = await runCli(
      ['run', 'scenarios/ocsp-down-hard-fail.ts', '--duration', '14s', '--quiet', '--out', out, '--metrics-listen', `127.0.0.1:${port}`, '--prometheus-rw', receiver.remoteWriteUrl],
      { timeoutMs: 120_000 },
    );
    expect(cli.stderr).toContain(`metrics  http://127.0.0.1:${port}/metrics`);
    expect(cli.stderr).not.toContain('push failed');
    expect(cli.exitCode, cli.stderr).toBe(0);
    const [runDir] = await readdir(out);
    const result = JSON.parse(await readFile(join(out, runDir!, 'result.json'), 'utf8')) as RunResult;
    const expected = countsOfResult(result);
    // The drill did what it is about: refusals during the outage, successes around it.
    expect(expected['fault/ocsp_unavailable']).toBeGreaterThan(0);
    expect(expected['baseline/ok']).toBeGreaterThan(0);

    expect(await settledQuery(scraper, SUM_BY_PHASE_AND_CATEGORY, expected)).toEqual(expected);
    expect(await settledQuery(receiver, SUM_BY_PHASE_AND_CATEGORY, expected)).toEqual(expected);

    for (const server of [scraper, receiver]) {
      // The issue's own words: per category over the run, as result.json's summary counts them.
      const byCategory = await server.query('sum by (category) (last_over_time(mtls_chaos_attempts_total[10m]))');
      const summary = Object.fromEntries(Object.entries(result.summary.categories).filter(([, count]) => count > 0));
      expect(Object.fromEntries(byCategory.map((sample) => [sample.labels.category, sample.value]))).toEqual(summary);
      const [info] = await server.query('last_over_time(mtls_chaos_run_info[10m])');
      expect(info?.labels).toMatchObject({ scenario: 'ocsp-down-hard-fail', runtime: 'local', gateway_kind: 'node' });
      // The fault was seen active (1) and ended healed (0).
      expect((await server.query('max_over_time(mtls_chaos_fault_active{kind="ocsp-outage",id="1"}[10m])'))[0]?.value).toBe(1);
      expect((await server.query('last_over_time(mtls_chaos_fault_active{kind="ocsp-outage",id="1"}[10m])'))[0]?.value).toBe(0);
      // Root, intermediate, server and the drill's 4 clients, each counting down to its notAfter.
      const expiry = await server.query('count by (role) (last_over_time(mtls_chaos_certificate_expiry_seconds[10m]))');
      expect(Object.fromEntries(expiry.map((sample) => [sample.labels.role, sample.value]))).toEqual({ root: 1, intermediate: 1, server: 1, client: 4 });
      // Every finished attempt in the whole-attempt histogram; handshakes only for those that completed one.
      const attempts = Object.values(expected).reduce((sum, count) => sum + count, 0);
      expect((await server.query('sum(last_over_time(mtls_chaos_attempt_duration_seconds_count[10m]))'))[0]?.value).toBe(attempts);
      // The harness's own OCSP probe (once a second) saw the responder answer "good", then refuse during the 6 s outage.
      const ocsp = Object.fromEntries(
        (await server.query('sum by (outcome) (last_over_time(mtls_chaos_ocsp_requests_total[10m]))')).map((sample) => [sample.labels.outcome, sample.value]),
      );
      expect(ocsp.good).toBeGreaterThan(0);
      expect(ocsp.unavailable).toBeGreaterThan(0);
    }

    // The shipped Grafana dashboard (contrib/grafana/) on this real drill: every panel and
    // annotation query, asked at the end of the outage (fault phase) over a 1 m rate window,
    // answers with data. Grafana's own variables are filled in as Grafana would.
    const loadStartMs = Date.parse(result.loadStartedAt!);
    const outageEndMs = loadStartMs + result.faults[0]!.healedAtMs! - 500;
    const empty: string[] = [];
    for (const query of dashboardQueries({ rateInterval: '1m' })) {
      const samples = await scraper.query(query.expr, outageEndMs);
      if (samples.length === 0) empty.push(`${query.source} ${query.refId}: ${query.expr}`);
    }
    expect(empty, 'dashboard queries without data during the drill').toEqual([]);
    // And the shipped burn-rate alert fired over the run. Its group is evaluated every 5 s, so the
    // first firing may come after the heal (the 30 s window still holds the outage): asked at the end.
    const firing = await scraper.query('max_over_time(ALERTS{alertname="MtlsHandshakeFailureBurnRate",alertstate="firing"}[10m])');
    expect(firing.length).toBeGreaterThan(0);
    // No shipped rule failed to evaluate on these series (the 30 s expiry group may not have run yet: "unknown").
    const rules = (await (await fetch(`${scraper.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } };
    const failing = rules.data.groups.flatMap((group) => group.rules).filter((rule) => rule.health === 'err');
    expect(failing).toEqual([]);
    expect(rules.data.groups.flatMap((group) => group.rules).filter((rule) => rule.health === 'ok').length).toBeGreaterThan(10);
  }, 150_000);

  it('the final push carries what was counted after the last interval push (Prometheus remote-write receiver)', async () => {
    const receiver = await prometheus({ remoteWriteReceiver: true });
    const metrics = new RunMetrics();
    const warnings: string[] = [];
    // An interval longer than the test: only the first push (at start, nothing counted) and the final one happen.
    const pusher = startRemoteWritePusher({ url: new URL(receiver.remoteWriteUrl), registry: metrics.registry, intervalMs: 600_000, warn: (line) => warnings.push(line) });
    for (let index = 0; index < 3; index++) {
      metrics.recordAttempt({ scheduledAtMs: index, startDelayMs: 0, totalMs: 2, category: 'cert_expired', resumed: false, identity: 'client-1' }, 'fault');
    }
    await pusher.stop();
    expect(warnings).toEqual([]);
    expect(pusher.pushed).toBe(2);
    const [sample] = await receiver.query('sum by (category) (last_over_time(mtls_chaos_attempts_total[10m]))');
    expect(sample).toEqual({ labels: { category: 'cert_expired' }, value: 3 });
  });

  it('bench: every measured attempt of every step reaches Prometheus by remote write', async () => {
    const receiver = await prometheus({ remoteWriteReceiver: true });
    const out = await tempDir('mtls-chaos-test-metrics-bench-');
    const json = join(out, 'bench.json');
    const cli = await runCli(
      ['bench', 'scenarios/bench-node.ts', '--start', '40/s', '--max', '80/s', '--step', '1s', '--warmup', '0.5s', '--min-attempts', '20', '--max-steps', '2', '--json-out', json, '--prometheus-rw', receiver.remoteWriteUrl],
      { timeoutMs: 120_000 },
    );
    expect(cli.exitCode, cli.stderr).toBe(0);
    expect(cli.stderr).not.toContain('push failed');
    const report = JSON.parse(await readFile(json, 'utf8')) as { steps: { attempts: number }[] };
    const measured = report.steps.reduce((sum, step) => sum + step.attempts, 0);
    expect(measured).toBeGreaterThan(0);
    const [total] = await receiver.query('sum(last_over_time(mtls_chaos_attempts_total[10m]))');
    expect(total?.value).toBe(measured);
    const [info] = await receiver.query('last_over_time(mtls_chaos_run_info[10m])');
    expect(info?.labels).toMatchObject({ scenario: 'bench-node', gateway_kind: 'node' });
  }, 150_000);

  it('Ctrl-C: the run does not wait for a last scrape, exits 130 promptly, and its listener is closed', async ({ onTestFinished: onFinished }) => {
    const port = await pickFreePort();
    const scraper = await prometheus({ scrapeTargets: [`127.0.0.1:${port}`], scrapeIntervalMs: 4_000 });
    let scrapedBeforeSignal: number | undefined;
    const run = await runAndSignal({
      onFinished,
      drill: 'name: long\ndescription: aborted while scraped\nlab:\n  gateway: { kind: node }\npki: { clients: 1 }\nload: { rate: 20/s, duration: 30s }\n',
      // 9 s into the load Prometheus has scraped the run at least twice (4 s apart).
      trigger: { line: /load started/, afterMs: 9_000 },
      // Then the scraper goes away: a run that waited for one more scrape would wait its whole
      // bound, 2 x 4 s + 3 s, and miss the exit bound below.
      beforeSignal: async () => {
        scrapedBeforeSignal = (await scraper.query('count_over_time(up{job="mtls-chaos"}[10m])'))[0]?.value;
        await scraper.stop();
      },
      signals: ['SIGINT'],
      extraArgs: ['--metrics-listen', `127.0.0.1:${port}`],
    });
    expect(scrapedBeforeSignal).toBeGreaterThanOrEqual(2);
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.signalToExitMs).toBeLessThan(10_000);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  }, 90_000);

  it('refuses to serve metrics beyond loopback (exit 2 naming the flag), before anything starts', async () => {
    const cli = await runCli(['run', 'scenarios/baseline.ts', '--metrics-listen', '0.0.0.0:9464']);
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toMatch(/error\[E_CLI_FLAG\]: .*--metrics-listen: expected a loopback address/);
    expect(cli.stdout).toBe('');
  });
});
