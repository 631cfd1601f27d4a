import { basename } from 'node:path';
import { formatDuration } from '../duration.js';
import { defaultInFlightLimit, formatRate, plannedAttempts, profileDurationMs, type LoadProfile } from '../load/index.js';
import { faultDefinition } from '../faults/index.js';
import { visibleText } from '../visible-text.js';
import type { Scenario } from './scenario-schema.js';
import { BUILTIN_RULES_FILE } from './observe-field.js';

/**
 * A scenario describes what it will do without running anything (k6's executors describe
 * themselves): what starts, what is issued, what load, for how long, judged by what. Text from
 * the scenario file is shown with its control characters written out (visible-text.ts): the
 * plan goes to terminals, and one SLO or summary must not become two lines or an escape sequence.
 */
export function describePlan(scenario: Scenario): string {
  const { pki, load } = scenario;
  const rows: [string, string][] = [
    ['scenario', `${scenario.name} (${scenario.runtime} runtime): ${visibleText(scenario.summary)}`],
    ['lab', describeLab(scenario)],
    [
      'pki',
      (pki.issuer ? `client certificates issued from your CA ${visibleText(basename(pki.issuer.certificate))} (pki.issuer), ` : `${pki.algorithm}: root, intermediate, `) +
        `server certificate valid ${formatDuration(pki.serverLifetimeMs)}, ` +
        `${pki.clients} client certificate${pki.clients === 1 ? '' : 's'} valid ${formatDuration(pki.clientLifetimeMs)}`,
    ],
    ['load', `${describeProfile(load.profile)}; ${describeAttempt(scenario)}`],
  ];
  if (scenario.slos.length === 0) rows.push(['slos', 'none (the run exits 0 unless the lab or a heal fails)']);
  scenario.slos.forEach((slo, index) => rows.push([index === 0 ? 'slos' : '', `${visibleText(slo.expression)} (${slo.scope === 'run' ? 'whole run' : `${slo.scope} phase`})`]));
  if (scenario.faults.length === 0) rows.push(['faults', 'none']);
  scenario.faults.forEach((entry, index) => {
    const fault = faultDefinition(entry.kind).create(entry.options);
    const when = `at ${formatDuration(entry.atMs)}${entry.forMs === undefined ? ', until the end' : ` for ${formatDuration(entry.forMs)}`}`;
    rows.push([index === 0 ? 'faults' : '', `${entry.kind} ${when}: ${visibleText(fault.describe())}`]);
  });
  const rules = scenario.observe?.prometheus.rules;
  if (rules !== undefined) {
    const named = rules === BUILTIN_RULES_FILE ? 'the builtin rules (contrib/prometheus/mtls-chaos.rules.yml)' : `your rules ${visibleText(basename(rules))}`;
    rows.push(['observe', `a Prometheus scraping the run every second with ${named}`]);
  }
  return rows.map(([label, text]) => `${label.padEnd(9)}${text}`).join('\n');
}

/** The plan in one line, for `validate`: `node gateway + builtin OCSP responder; 50/s for 30s ...`. */
export function summarisePlan(scenario: Scenario): string {
  const slos = scenario.slos.length;
  const faults = scenario.faults.length;
  return `${describeLab(scenario)}; ${describeProfile(scenario.load.profile)}; ${scenario.load.identities} identities; ${faults} fault${faults === 1 ? '' : 's'}; ${slos} SLO${slos === 1 ? '' : 's'}`;
}

function describeLab(scenario: Scenario): string {
  const { gateway, ocspResponder } = scenario.lab;
  const checks: string[] = [];
  if (gateway.ocsp.mode !== 'off') {
    checks.push(`OCSP ${gateway.ocsp.mode}, cache ${formatDuration(gateway.ocsp.cacheTtlMs)}, timeout ${formatDuration(gateway.ocsp.timeoutMs)}`);
  }
  if (gateway.config) checks.push(`your config ${basename(gateway.config)}`);
  if (gateway.crl) checks.push('CRL');
  const replicas = gateway.replicas > 1 ? ` x${gateway.replicas} replicas` : '';
  if (gateway.address !== undefined) checks.push(`at ${gateway.address}, run by your team: the lab starts none${gateway.servername ? `, SNI ${gateway.servername}` : ''}`);
  const parts = [`${gateway.kind} gateway${replicas}${checks.length ? ` (${checks.join('; ')})` : ''}`];
  if (scenario.lab.balancer) parts.push(`${scenario.lab.balancer.kind} TCP balancer (round-robin)`);
  if (ocspResponder) {
    const notes = [
      ...(ocspResponder.validityMs === undefined ? [] : [`answers valid ${formatDuration(ocspResponder.validityMs)}`]),
      // The team's gateway finds it only through the client certificates (run/harness-ocsp-url.ts).
      ...(gateway.kind === 'external'
        ? [`at http://127.0.0.1:${ocspResponder.port ?? '<a free port, printed at start>'}/, named in the AIA of the client certificates: your gateway asks it if it checks OCSP from the AIA (nginx ssl_ocsp leaf)`]
        : []),
    ];
    parts.push(`${ocspResponder.kind} OCSP responder${notes.length ? ` (${notes.join('; ')})` : ''}`);
  }
  return parts.join(' + ');
}

function describeProfile(profile: LoadProfile): string {
  switch (profile.kind) {
    case 'constant-rate':
      return `open loop at ${formatRate(profile.ratePerSecond)} for ${formatDuration(profile.durationMs)} (${Math.round(plannedAttempts(profile) ?? 0)} attempts)`;
    case 'concurrency':
      return `closed loop, ${profile.concurrency} attempt${profile.concurrency === 1 ? '' : 's'} in flight for ${formatDuration(profile.durationMs)}`;
    case 'ramp': {
      const steps = [formatRate(profile.startRatePerSecond), ...profile.stages.map((stage) => `${formatRate(stage.toRatePerSecond)} over ${formatDuration(stage.durationMs)}`)];
      return `open-loop ramp ${steps.join(' -> ')} (${formatDuration(profileDurationMs(profile))}, about ${Math.round(plannedAttempts(profile) ?? 0)} attempts)`;
    }
  }
}

function describeAttempt(scenario: Scenario): string {
  const { load } = scenario;
  // The hard cap a run keeps, on a team's gateway as on the lab's (load/run-load.ts).
  const inFlight = load.profile.kind === 'concurrency' ? load.profile.concurrency : defaultInFlightLimit(load.profile, load.timeoutMs);
  return (
    `${load.identities} client identit${load.identities === 1 ? 'y' : 'ies'} round-robin, ` +
    `resumption ${load.resumption ? 'on' : 'off'}, timeout ${formatDuration(load.timeoutMs)}, at most ${inFlight} in flight, GET ${visibleText(load.path)}`
  );
}
