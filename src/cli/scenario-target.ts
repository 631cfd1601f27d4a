import { UsageError } from '../errors.js';
import type { ClientIdentity } from '../load/index.js';
import { buildLabPki, readPkiIssuer } from '../pki/index.js';
import { loadScenario } from '../scenario/index.js';
import { readFlagFile } from './read-flag-file.js';

/** What `probe --scenario` takes from a scenario with an external gateway: target, trust, identities. */
export interface ScenarioTarget {
  readonly url: string;
  readonly caPem: string;
  readonly servername?: string;
  readonly identities: readonly ClientIdentity[];
  /** The issuer's certificate: what the gateway trusts for clients, for the diagnosis. */
  readonly clientCaPem: string;
}

/**
 * The target, server trust and client identities of a scenario whose gateway the team runs
 * (lab.gateway.kind external), so one file drives a probe and a drill. The identities are issued
 * now from pki.issuer (in memory, never written): without an issuer they would chain to a new
 * lab root the gateway cannot trust.
 */
export async function scenarioTarget(file: string, command: string): Promise<ScenarioTarget> {
  const scenario = await loadScenario(file);
  const { gateway } = scenario.lab;
  if (gateway.kind !== 'external' || gateway.address === undefined || gateway.ca === undefined) {
    throw new UsageError('E_CLI_SCENARIO_TARGET', `${command} --scenario: ${file} has lab.gateway.kind "${gateway.kind}", and only a gateway your team runs is there outside a run`, {
      file,
      path: ['lab', 'gateway', 'kind'],
      hint: 'use a scenario with lab.gateway.kind external, or `mtls-chaos run` for a lab gateway',
    });
  }
  if (!scenario.pki.issuer) {
    throw new UsageError('E_CLI_SCENARIO_TARGET', `${command} --scenario: ${file} has no pki.issuer, and client certificates from a new lab root would not be trusted by your gateway`, {
      file,
      path: ['pki', 'issuer'],
      hint: 'add pki.issuer: { certificate, key } (a CA your gateway trusts), or give --cert, --key and --ca with a URL',
    });
  }
  const issuer = await readPkiIssuer(scenario.pki.issuer);
  const pki = await buildLabPki({ issuer, clients: scenario.load.identities, clientLifetimeMs: scenario.pki.clientLifetimeMs, servers: 0 });
  return {
    url: `https://${gateway.address}${scenario.load.path}`,
    caPem: await readFlagFile(gateway.ca, 'lab.gateway.ca'),
    ...(gateway.servername ? { servername: gateway.servername } : {}),
    identities: pki.clients.map((client) => ({ name: client.name, certPem: client.chainPem, keyPem: client.keyPem })),
    clientCaPem: issuer.certificate.pem,
  };
}

/** --scenario replaces the URL and the identity flags: both given is a usage error, not a silent choice. */
export function refuseFlagsBesideScenario(url: string | undefined, flags: { cert?: string | readonly string[]; key?: string | readonly string[]; ca?: string; servername?: string }): void {
  const given = (value: string | readonly string[] | undefined) => (Array.isArray(value) ? value.length > 0 : value !== undefined);
  if (url !== undefined || given(flags.cert) || given(flags.key) || flags.ca !== undefined || flags.servername !== undefined) {
    throw new UsageError('E_CLI_FLAG', '--scenario takes the URL, --cert, --key, --ca and --servername from the scenario', { hint: 'give either --scenario or a URL with its flags' });
  }
}

/** Without --scenario: the URL and --ca are required (and, for load, at least one --cert). */
export function requireUrlFlags(command: string, url: string | undefined, flags: { ca?: string }, example: string): string {
  if (url === undefined || flags.ca === undefined) {
    throw new UsageError('E_CLI_FLAG', `${command} needs a URL and --ca, or --scenario`, { hint: `e.g. ${example}` });
  }
  return url;
}
