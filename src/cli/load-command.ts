import { Command } from 'commander';
import { formatDuration, parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import {
  MAX_CONCURRENCY,
  MAX_IN_FLIGHT,
  MAX_LOAD_DURATION_MS,
  MAX_RATE_PER_SECOND,
  checkLoadProfile,
  defaultInFlightLimit,
  formatRate,
  plannedAttempts,
  profileDurationMs,
  parseRate,
  runLoad,
  type LoadOutcome,
  type LoadProfile,
  type LoadProgress,
  type Diagnosis,
  type RevocationFetchScope,
} from '../load/index.js';
import type { AttemptRecord } from '../metrics/attempt-record.js';
import { emptyCategoryCounts, type ErrorCategory } from '../metrics/error-category.js';
import { allowTargetOption, guardCommandTarget, printPlan } from './allow-target-flag.js';
import { clientCaOption, collect, loadIdentityFlags, revocationFetchOption, wholeNumber, type IdentityFlags } from './identity-flags.js';
import { emitJson, jsonOption, jsonOutOption, type JsonOutputFlags } from './json-output.js';
import { refuseFlagsBesideScenario, requireUrlFlags, scenarioTarget } from './scenario-target.js';
import { LatencyHistogram } from '../metrics/index.js';
import type { LatencySummary } from '../result/run-result.js';
import { printErr, printOut } from './print.js';
import { visibleText } from '../visible-text.js';

interface LoadFlags extends IdentityFlags, JsonOutputFlags {
  scenario?: string;
  revocationFetch: RevocationFetchScope;
  servername?: string;
  rate?: string;
  concurrency?: string;
  duration: string;
  timeout: string;
  resume: boolean;
  maxInFlight?: string;
  allowTarget: string[];
}

export function loadCommand(): Command {
  return new Command('load')
    .description(
      'a bounded mTLS handshake flood against a gateway you run: each attempt is a new TCP connection, a full ' +
        '(or resumed) handshake with a client certificate and one HTTP GET. Open loop with --rate (attempts start on ' +
        'schedule however slow the gateway is), closed loop with --concurrency. Prints a progress line each second on ' +
        'stderr and a summary at the end. Exit 0 when the load ran, 1 when no attempt succeeded, 2 on bad input, ' +
        '130/143 when interrupted (the summary of what was measured is still written)',
    )
    .argument('[url]', 'https://host[:port][/path] of the gateway (or --scenario)')
    .option('--scenario <file>', 'take the target, server CA and client identities (issued from pki.issuer) from a scenario with lab.gateway.kind external')
    .option('--cert <file>', 'client certificate (PEM: leaf, then intermediates); repeat for several identities, used round-robin', collect, [])
    .option('--key <file>', 'private key of each --cert, in the same order', collect, [])
    .option('--ca <file>', 'CA bundle (PEM) that verifies the server certificate (required with a URL)')
    .addOption(clientCaOption())
    .addOption(revocationFetchOption())
    .option('--servername <name>', 'SNI and the name the server certificate must carry (default: the URL host)')
    .option('--rate <rate>', 'open loop: attempts per second or minute, e.g. 200/s or 12000/m (at most 100000/s)')
    .option('--concurrency <n>', `closed loop: attempts kept in flight (1 to ${MAX_CONCURRENCY})`)
    .requiredOption('--duration <duration>', 'how long to offer load, e.g. 30s or 5m (at most 24h)')
    .option('--timeout <duration>', 'per-attempt timeout (handshake_timeout)', '5s')
    // Full handshakes unless asked, as scenarios do (load.resumption defaults to false): a rate
    // quoted from `load` is of new mTLS handshakes unless --resume was given.
    .option('--resume', 'offer each identity\'s last TLS session (resumed handshakes)', false)
    .option('--no-resume', 'always do full handshakes (the default)')
    .option('--max-in-flight <n>', 'open loop: drop (and count) attempts beyond this many in flight')
    .addOption(jsonOption('the summary'))
    .addOption(jsonOutOption('the summary'))
    .addOption(allowTargetOption())
    .action(async (url: string | undefined, flags: LoadFlags) => {
      await load(url, flags);
    });
}

async function load(urlArgument: string | undefined, flags: LoadFlags): Promise<void> {
  // --scenario: read the scenario's files first (no packet), then guard its target like any URL.
  if (flags.scenario !== undefined) refuseFlagsBesideScenario(urlArgument, flags);
  const fromScenario = flags.scenario === undefined ? undefined : await scenarioTarget(flags.scenario, 'load');
  const url = fromScenario?.url ?? requireUrlFlags('load', urlArgument, flags, 'load https://gw.example:8443/ --cert c.pem --key k.pem --ca ca.pem --rate 10/s --duration 10s');
  const target = guardCommandTarget('load', url, flags.allowTarget);
  const profile = profileFrom(flags);
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  if (timeoutMs <= 0) throw new UsageError('E_CLI_FLAG', '--timeout must be more than 0', { hint: 'e.g. --timeout 5s' });
  const maxInFlight = flags.maxInFlight === undefined ? undefined : wholeNumber(flags.maxInFlight, '--max-in-flight', 1, 100_000);
  if (!fromScenario && flags.cert.length === 0) throw new UsageError('E_CLI_FLAG', 'load needs at least one --cert and --key', { hint: 'e.g. --cert client.crt.pem --key client.key.pem' });
  const { identities, caPem, clientCaPem } = fromScenario ?? (await loadIdentityFlags(flags));
  const servername = fromScenario?.servername ?? flags.servername;
  // The caps are checked before the plan is shown, so the plan never promises a load that is refused.
  checkLoadProfile(profile);
  printPlan('load', target, describeLoadPlan(profile, timeoutMs, maxInFlight));

  const summary = new LoadSummary();
  const controller = new AbortController();
  let exitOnSignal: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    exitOnSignal = signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = new ProgressLine(profileDurationLabel(profile));
  let outcome: LoadOutcome;
  try {
    outcome = await runLoad(
      profile,
      {
        url,
        identities,
        caPem,
        timeoutMs,
        resume: flags.resume,
        ...(clientCaPem !== undefined ? { clientCaPem } : {}),
        revocationFetch: flags.revocationFetch,
        ...(servername !== undefined ? { servername } : {}),
      },
      {
        signal: controller.signal,
        onAttempt: (record, diagnosis) => summary.add(record, diagnosis),
        onProgress: (state) => progress.update(state),
        ...(maxInFlight !== undefined ? { maxInFlight } : {}),
      },
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.end();
  }
  const report = summary.report(url, profile, flags.resume, outcome);
  await emitJson(flags, report, () => formatLoadReport(report));
  process.exitCode = exitOnSignal ?? (report.succeeded > 0 ? ExitCode.Ok : ExitCode.SloBreached);
}

function profileFrom(flags: LoadFlags): LoadProfile {
  if ((flags.rate === undefined) === (flags.concurrency === undefined)) {
    throw new UsageError('E_CLI_FLAG', 'give exactly one of --rate and --concurrency', {
      hint: '--rate 200/s offers a fixed arrival rate (open loop); --concurrency 8 keeps 8 attempts in flight (closed loop)',
    });
  }
  const durationMs = parseDuration(flags.duration, '--duration');
  if (flags.rate !== undefined) return { kind: 'constant-rate', ratePerSecond: parseRate(flags.rate, '--rate'), durationMs };
  return { kind: 'concurrency', concurrency: wholeNumber(flags.concurrency!, '--concurrency', 1, MAX_CONCURRENCY), durationMs };
}

/**
 * How much load, for how long, with how many attempts in flight at most, and the hard caps that
 * hold whatever the target: what a person reads before load leaves for a gateway they run.
 */
export function describeLoadPlan(profile: LoadProfile, timeoutMs: number, maxInFlight: number | undefined): string {
  const caps = `hard caps ${formatRate(MAX_RATE_PER_SECOND)}, ${MAX_IN_FLIGHT} in flight, ${MAX_LOAD_DURATION_MS / 3_600_000}h`;
  const timeout = `timeout ${formatDuration(timeoutMs)} per attempt`;
  if (profile.kind === 'concurrency') {
    return `closed loop for ${formatDuration(profile.durationMs)}, ${profile.concurrency} in flight at most, ${timeout} (${caps})`;
  }
  const attempts = plannedAttempts(profile);
  const rate = profile.kind === 'constant-rate' ? formatRate(profile.ratePerSecond) : 'a ramp';
  return (
    `open loop at ${rate} for ${formatDuration(profileDurationMs(profile))}${attempts === undefined ? '' : ` (${Math.round(attempts)} attempts)`}, ` +
    `${maxInFlight ?? defaultInFlightLimit(profile, timeoutMs)} in flight at most, ${timeout} (${caps})`
  );
}

function profileDurationLabel(profile: LoadProfile): string {
  return profile.kind === 'ramp' ? 'ramp' : formatDuration(profile.durationMs);
}

/** What `load --json` prints and `--json-out` writes; the text summary shows the same figures. */
export interface LoadReport {
  readonly schemaVersion: 1;
  readonly url: string;
  readonly mode: string;
  readonly resume: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly aborted: boolean;
  readonly attempts: number;
  readonly succeeded: number;
  readonly successRate: number;
  readonly attemptsPerSecond: number;
  readonly succeededPerSecond: number;
  readonly categories: Record<ErrorCategory, number>;
  /** Raw codes behind the failures (ERR_SSL_..., HTTP_400_..., TIMEOUT_...), most frequent first. */
  readonly rawCodes: Record<string, number>;
  /**
   * Why refused certificates were refused, as "<category>: <reason>" (the evidence, or what was
   * and was not checked), most frequent first, at most MAX_DIAGNOSES.
   */
  readonly diagnoses: Record<string, number>;
  readonly resumed: number;
  readonly lateStarts: number;
  readonly maxStartDelayMs: number;
  readonly dropped: number;
  readonly peakInFlight: number;
  readonly latency: {
    readonly tcpConnect: LatencySummary;
    readonly tlsHandshake: LatencySummary;
    readonly firstByte: LatencySummary;
    /** From the scheduled start to the outcome, every attempt (failures included). */
    readonly total: LatencySummary;
  };
}

/** Aggregates attempt records for the command's summary (the run's full metrics live in src/metrics). */
class LoadSummary {
  private readonly categories = emptyCategoryCounts();
  private readonly rawCodes = new Map<string, number>();
  private readonly diagnoses = new Map<string, number>();
  private resumed = 0;
  private readonly tcpConnect = new LatencyHistogram();
  private readonly tlsHandshake = new LatencyHistogram();
  private readonly firstByte = new LatencyHistogram();
  private readonly total = new LatencyHistogram();

  add(record: AttemptRecord, diagnosis?: Diagnosis): void {
    this.categories[record.category] += 1;
    if (record.rawCode) this.rawCodes.set(record.rawCode, (this.rawCodes.get(record.rawCode) ?? 0) + 1);
    if (diagnosis && record.category !== 'ok') {
      // The record's category, which a gateway's own reason may have set over the diagnosis.
      const key = `${record.category}: ${diagnosis.reason}`;
      this.diagnoses.set(key, (this.diagnoses.get(key) ?? 0) + 1);
    }
    if (record.resumed) this.resumed += 1;
    if (record.tcpConnectMs !== undefined) this.tcpConnect.record(record.tcpConnectMs);
    if (record.tlsHandshakeMs !== undefined) this.tlsHandshake.record(record.tlsHandshakeMs);
    if (record.firstByteMs !== undefined) this.firstByte.record(record.firstByteMs);
    this.total.record(record.totalMs);
  }

  report(url: string, profile: LoadProfile, resume: boolean, outcome: LoadOutcome): LoadReport {
    const seconds = outcome.durationMs / 1_000;
    const mode = profile.kind === 'concurrency' ? `closed loop, concurrency ${profile.concurrency}` : profile.kind === 'constant-rate' ? `open loop, ${formatRate(profile.ratePerSecond)}` : 'open loop, ramp';
    return {
      schemaVersion: 1,
      url,
      mode,
      resume,
      startedAt: outcome.startedAt.toISOString(),
      durationMs: Math.round(outcome.durationMs),
      aborted: outcome.aborted,
      attempts: outcome.attempts,
      succeeded: outcome.succeeded,
      successRate: outcome.attempts > 0 ? outcome.succeeded / outcome.attempts : 0,
      attemptsPerSecond: seconds > 0 ? round(outcome.attempts / seconds) : 0,
      succeededPerSecond: seconds > 0 ? round(outcome.succeeded / seconds) : 0,
      categories: { ...this.categories },
      rawCodes: Object.fromEntries([...this.rawCodes.entries()].sort((a, b) => b[1] - a[1])),
      diagnoses: Object.fromEntries([...this.diagnoses.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_DIAGNOSES)),
      resumed: this.resumed,
      lateStarts: outcome.lateStarts,
      maxStartDelayMs: round(outcome.maxStartDelayMs),
      dropped: outcome.dropped,
      peakInFlight: outcome.peakInFlight,
      latency: {
        tcpConnect: this.tcpConnect.summary(),
        tlsHandshake: this.tlsHandshake.summary(),
        firstByte: this.firstByte.summary(),
        total: this.total.summary(),
      },
    };
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
/** Distinct diagnoses kept in the report: a refusal has a few causes, not hundreds. */
const MAX_DIAGNOSES = 10;

/** The summary table printed at the end of `load`. */
export function formatLoadReport(report: LoadReport): string {
  const pct = (value: number) => `${(value * 100).toFixed(2)}%`;
  const categories = Object.entries(report.categories)
    .filter(([, count]) => count > 0)
    .map(([category, count]) => `${category} ${count}`)
    .join(', ');
  const lines = [
    `load ${report.url}: ${report.mode}, resumption ${report.resume ? 'on' : 'off'}, ${formatDuration(report.durationMs)}${report.aborted ? ' (ABORTED)' : ''}`,
    `  attempts       ${report.attempts} (${report.attemptsPerSecond}/s)`,
    `  succeeded      ${report.succeeded} (${pct(report.successRate)}, ${report.succeededPerSecond}/s)`,
    `  categories     ${categories || 'none'}`,
  ];
  const codes = Object.entries(report.rawCodes).slice(0, 5);
  if (codes.length > 0) lines.push(`  raw codes      ${codes.map(([code, count]) => `${code} ${count}`).join(', ')}`);
  for (const [index, [diagnosis, count]] of Object.entries(report.diagnoses).slice(0, 3).entries()) {
    lines.push(`  ${index === 0 ? 'diagnosis' : ''.padEnd(9)}      ${count}x ${diagnosis}`);
  }
  lines.push(
    `  resumed        ${report.resumed}`,
    `  late starts    ${report.lateStarts} (max start delay ${report.maxStartDelayMs} ms)`,
    `  dropped        ${report.dropped}${report.dropped > 0 ? ' (the generator\'s in-flight bound, not the gateway)' : ''}`,
    '',
    `  latency ms     ${['p50', 'p95', 'p99', 'max'].map((name) => name.padStart(9)).join('')}`,
  );
  for (const [name, stats] of [
    ['tcp connect', report.latency.tcpConnect],
    ['tls handshake', report.latency.tlsHandshake],
    ['first byte', report.latency.firstByte],
    ['total', report.latency.total],
  ] as const) {
    lines.push(`  ${name.padEnd(13)}${[stats.p50, stats.p95, stats.p99, stats.max].map((value) => value.toFixed(2).padStart(9)).join('')}`);
  }
  if (report.lateStarts > 0 || report.dropped > 0) {
    lines.push('', '  warning: the generator fell behind its schedule; part of what looks like gateway latency may be ours');
  }
  return `${lines.join('\n')}\n`;
}

/** One line per second on stderr: rewritten in place on a terminal, appended otherwise (CI logs). */
class ProgressLine {
  private written = false;

  constructor(private readonly totalLabel: string) {}

  update(state: LoadProgress): void {
    const seconds = state.elapsedMs / 1_000;
    const line =
      `[${Math.round(seconds)}s/${this.totalLabel}] ${state.attempts} attempts, ${state.succeeded} ok, ` +
      `${(state.attempts / Math.max(seconds, 0.001)).toFixed(1)}/s, in flight ${state.inFlight}, late ${state.lateStarts}, dropped ${state.dropped}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${visibleText(line)}\x1b[K`);
    else printErr(`${line}\n`);
    this.written = true;
  }

  end(): void {
    if (this.written && process.stderr.isTTY) printErr('\n');
  }
}
