import { Command } from 'commander';
import { formatDuration, parseDuration } from '../duration.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { probe, type ProbeResult, type RevocationFetchScope } from '../load/index.js';
import { allowTargetOption, guardCommandTarget, printPlan } from './allow-target-flag.js';
import { clientCaOption, revocationFetchOption } from './identity-flags.js';
import { readFlagFile } from './read-flag-file.js';
import { printOut } from './print.js';
import { refuseFlagsBesideScenario, requireUrlFlags, scenarioTarget } from './scenario-target.js';
import { visibleText } from '../visible-text.js';
import { emitJson, jsonOption, jsonOutOption, type JsonOutputFlags } from './json-output.js';

interface ProbeFlags extends JsonOutputFlags {
  cert?: string;
  key?: string;
  ca?: string;
  scenario?: string;
  clientCa?: string;
  revocationFetch: RevocationFetchScope;
  servername?: string;
  timeout: string;
  allowTarget: string[];
}

export function probeCommand(): Command {
  return new Command('probe')
    .description(
      'one mTLS attempt (TCP connect + handshake with a client certificate + one HTTP GET) against a gateway you run; ' +
        'prints the outcome, its error category, the timings and the server certificate. Any https URL is accepted: ' +
        'point it at your own gateway (outside loopback with --allow-target). Exit 0 when the category is ok, 1 otherwise, 2 on bad input',
    )
    .argument('[url]', 'https://host[:port][/path] of the gateway (or --scenario)')
    .option('--scenario <file>', 'take the target, server CA and a client identity (issued from pki.issuer) from a scenario with lab.gateway.kind external')
    .option('--cert <file>', 'client certificate (PEM: leaf, then intermediates); omit with --key to probe without one')
    .option('--key <file>', 'private key of the client certificate (PEM)')
    .option('--ca <file>', 'CA bundle (PEM) that verifies the server certificate (required with a URL)')
    .addOption(clientCaOption())
    .addOption(revocationFetchOption())
    .option('--servername <name>', 'SNI and the name the server certificate must carry (default: the URL host)')
    .option('--timeout <duration>', 'give up after this long (handshake_timeout)', '5s')
    .addOption(jsonOption('the probe result'))
    .addOption(jsonOutOption('the probe result'))
    .addOption(allowTargetOption())
    .action(async (url: string | undefined, flags: ProbeFlags) => {
      const result = flags.scenario === undefined ? await runProbe(requireUrlFlags('probe', url, flags, 'probe https://gw.example:8443/ --cert c.pem --key k.pem --ca ca.pem, or probe --scenario drill.yaml'), flags) : await runScenarioProbe(url, flags.scenario, flags);
      await emitJson(flags, result, () => formatProbe(result), true);
      process.exitCode = result.category === 'ok' ? ExitCode.Ok : ExitCode.SloBreached;
    });
}

async function runProbe(url: string, flags: ProbeFlags): Promise<ProbeResult> {
  const target = guardCommandTarget('probe', url, flags.allowTarget);
  if ((flags.cert === undefined) !== (flags.key === undefined)) {
    throw new UsageError('E_CLI_FLAG', '--cert and --key go together', { hint: 'give both, or neither to probe without a client certificate' });
  }
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  if (timeoutMs <= 0) throw new UsageError('E_CLI_FLAG', '--timeout must be more than 0', { hint: 'e.g. --timeout 5s' });
  const [certPem, keyPem, caPem, clientCaPem] = await Promise.all([
    flags.cert === undefined ? undefined : readFlagFile(flags.cert, '--cert'),
    flags.key === undefined ? undefined : readFlagFile(flags.key, '--key'),
    readFlagFile(flags.ca!, '--ca'),
    flags.clientCa === undefined ? undefined : readFlagFile(flags.clientCa, '--client-ca'),
  ]);
  printPlan('probe', target, `1 attempt (one TCP connection, one handshake, one GET), timeout ${formatDuration(timeoutMs)}`);
  return probe(url, {
    caPem,
    timeoutMs,
    ...(certPem !== undefined && keyPem !== undefined ? { certPem, keyPem } : {}),
    ...(clientCaPem !== undefined ? { clientCaPem } : {}),
    revocationFetch: flags.revocationFetch,
    ...(flags.servername !== undefined ? { servername: flags.servername } : {}),
  });
}

/** `probe --scenario FILE`: the scenario's external gateway, its CA, its first identity (from pki.issuer). */
async function runScenarioProbe(url: string | undefined, file: string, flags: ProbeFlags): Promise<ProbeResult> {
  refuseFlagsBesideScenario(url, flags);
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  if (timeoutMs <= 0) throw new UsageError('E_CLI_FLAG', '--timeout must be more than 0', { hint: 'e.g. --timeout 5s' });
  const target = await scenarioTarget(file, 'probe');
  const guarded = guardCommandTarget('probe', target.url, flags.allowTarget);
  const identity = target.identities[0]!;
  printPlan('probe', guarded, `1 attempt (one TCP connection, one handshake, one GET) as ${identity.name}, timeout ${formatDuration(timeoutMs)}`);
  return probe(target.url, {
    caPem: target.caPem,
    timeoutMs,
    certPem: identity.certPem,
    keyPem: identity.keyPem,
    clientCaPem: target.clientCaPem,
    revocationFetch: flags.revocationFetch,
    ...(target.servername !== undefined ? { servername: target.servername } : {}),
  });
}

const ms = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(2)} ms`);

/** The text form: the verdict on the first line, then one fact per line. */
export function formatProbe(result: ProbeResult): string {
  const answer = [
    result.httpStatus !== undefined ? `HTTP ${result.httpStatus}` : 'no HTTP answer',
    result.tlsVersion,
    result.tlsVersion ? (result.resumed ? 'resumed' : 'full handshake') : undefined,
  ].filter(Boolean);
  const lines = [
    `${result.url}: ${result.category === 'ok' ? 'ok' : `FAILED: ${result.category}`} (${answer.join(', ')})`,
    `  category        ${result.category}`,
  ];
  if (result.rawCode) lines.push(`  raw code        ${result.rawCode}`);
  lines.push(
    `  tcp connect     ${ms(result.timings.tcpConnectMs)}`,
    `  tls handshake   ${ms(result.timings.tlsHandshakeMs)}`,
    `  first byte      ${ms(result.timings.firstByteMs)}`,
    `  total           ${ms(result.timings.totalMs)}`,
  );
  const server = result.serverCertificate;
  if (server) {
    const expiry = server.daysUntilExpiry < 0 ? `expired ${-server.daysUntilExpiry} day(s) ago` : `in ${server.daysUntilExpiry} day(s)`;
    // The peer's certificate names are the peer's text: shown, never acted on (visible-text.ts).
    lines.push(`  server cert     ${visibleText(server.subject)}`, `  issued by       ${visibleText(server.issuer)}`, `  expires         ${server.notAfter} (${expiry})`);
  }
  if (result.diagnosis) lines.push(`  diagnosis       ${visibleText(result.diagnosis)}`);
  return `${lines.join('\n')}\n`;
}
