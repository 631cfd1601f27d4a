import { createServer } from 'node:http';
import { once } from 'node:events';
import { HISTOGRAM_BUCKETS_SECONDS, METRICS_CONTRACT, type ContractSeriesName } from './metrics-contract.js';

/**
 * A stand-in for a run's metrics endpoint until the real exporter can be scraped in this test: an
 * OCSP-outage drill that started with a clean baseline at `startSeconds` and has had the
 * responder down since `faultStartSeconds`, every attempt failing as ocsp_unavailable behind a
 * hard-fail gateway. Each scrape answers the values at that moment, in the Prometheus text
 * format, with exactly the labels of test/support/metrics-contract.ts.
 */
export interface DrillTimeline {
  /** Unix seconds. */
  readonly startSeconds: number;
  readonly faultStartSeconds: number;
}

const REPLICAS = ['gw-0', 'gw-1'];
const IDENTITIES = ['client-1', 'client-2'];
const DAY_SECONDS = 86_400;

type Labels = Record<string, string>;
interface Series {
  readonly name: ContractSeriesName;
  readonly suffix: string;
  readonly labels: Labels;
  readonly value: (seconds: number) => number;
}

function drillSeries({ startSeconds, faultStartSeconds }: DrillTimeline): Series[] {
  const series: Series[] = [];
  const add = (name: ContractSeriesName, labels: Labels, value: (t: number) => number, suffix = '') => {
    const own = Object.keys(labels).filter((label) => label !== 'le');
    const contract = METRICS_CONTRACT[name].labels;
    if (own.sort().join() !== [...contract].sort().join()) throw new Error(`${name}: labels ${own.join()} are not the contract's ${contract.join()}`);
    series.push({ name, suffix, labels, value });
  };
  // Whole seconds of each phase so far: one attempt (or OCSP request) a second per series.
  const baseline = (t: number) => Math.floor(Math.min(t, faultStartSeconds) - startSeconds);
  const fault = (t: number) => Math.max(0, Math.floor(t - faultStartSeconds));
  const perPhase = { baseline, fault };

  for (const replica of REPLICAS) {
    for (const identity of IDENTITIES) {
      add('mtls_chaos_attempts_total', { category: 'ok', phase: 'baseline', replica, identity }, baseline);
      add('mtls_chaos_attempts_total', { category: 'ocsp_unavailable', phase: 'fault', replica, identity }, fault);
    }
  }
  const attemptsPerSecond = REPLICAS.length * IDENTITIES.length;
  const histogram = (name: ContractSeriesName, labels: Labels, count: (t: number) => number, observedSeconds: number) => {
    for (const le of HISTOGRAM_BUCKETS_SECONDS) add(name, { ...labels, le: String(le) }, (t) => (observedSeconds <= le ? count(t) : 0), '_bucket');
    add(name, { ...labels, le: '+Inf' }, count, '_bucket');
    add(name, labels, (t) => count(t) * observedSeconds, '_sum');
    add(name, labels, count, '_count');
  };
  // nginx completes the handshake and answers 400 when it gets no OCSP status, so handshakes go
  // on in the fault, slower (the gateway waits for the responder).
  const handshakeSeconds = { baseline: 0.004, fault: 0.04 };
  for (const phase of ['baseline', 'fault'] as const) {
    const count = (t: number) => perPhase[phase](t) * attemptsPerSecond;
    add('mtls_chaos_offered_attempts_total', { phase }, count);
    histogram('mtls_chaos_handshake_duration_seconds', { phase }, count, handshakeSeconds[phase]);
    histogram('mtls_chaos_attempt_duration_seconds', { phase }, count, handshakeSeconds[phase] + 0.002);
  }
  add('mtls_chaos_ocsp_requests_total', { outcome: 'good' }, baseline);
  add('mtls_chaos_ocsp_requests_total', { outcome: 'unavailable' }, fault);
  histogram('mtls_chaos_ocsp_response_duration_seconds', {}, (t) => baseline(t) + fault(t), 0.02);

  add('mtls_chaos_gateway_cpu_percent', { replica: 'gw-0' }, () => 95);
  add('mtls_chaos_gateway_cpu_percent', { replica: 'gw-1' }, () => 40);
  add('mtls_chaos_generator_cpu_percent', {}, () => 55);
  add('mtls_chaos_fault_active', { kind: 'ocsp-outage', id: 'ocsp-down' }, (t) => (t >= faultStartSeconds ? 1 : 0));
  add('mtls_chaos_run_info', { scenario: 'ocsp-down-hard-fail', run_id: 'r1a2b3', runtime: 'local', gateway_kind: 'nginx' }, () => 1);
  for (const [role, subject, serial, lifetimeSeconds] of [
    ['root', 'CN=mtls-chaos root', '01', 3650 * DAY_SECONDS],
    ['server', 'CN=gateway', '02', 10 * DAY_SECONDS],
    ['client', 'CN=client-1', '03', DAY_SECONDS],
  ] as const) {
    add('mtls_chaos_certificate_expiry_seconds', { role, subject, serial }, (t) => startSeconds + lifetimeSeconds - t);
  }
  return series;
}

/** The drill's exposition at `nowSeconds` (Prometheus text format 0.0.4). */
export function drillExposition(timeline: DrillTimeline, nowSeconds: number): string {
  const lines: string[] = [];
  let family = '';
  // The text format wants each family's samples together, under one TYPE line.
  const series = drillSeries(timeline).sort((a, b) => a.name.localeCompare(b.name));
  for (const { name, suffix, labels, value } of series) {
    if (name !== family) {
      lines.push(`# TYPE ${name} ${METRICS_CONTRACT[name].type}`);
      family = name;
    }
    const rendered = Object.entries(labels).map(([key, text]) => `${key}="${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',');
    lines.push(`${name}${suffix}${rendered === '' ? '' : `{${rendered}}`} ${value(nowSeconds)}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface DrillEndpoint extends AsyncDisposable {
  /** host:port of the /metrics endpoint, on 127.0.0.1. */
  readonly target: string;
}

export async function serveDrill(timeline: DrillTimeline): Promise<DrillEndpoint> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(drillExposition(timeline, Date.now() / 1000));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the drill endpoint has no port');
  return {
    target: `127.0.0.1:${address.port}`,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
