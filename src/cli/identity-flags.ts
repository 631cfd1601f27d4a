import { Option } from 'commander';
import { UsageError } from '../errors.js';
import {
  DEFAULT_REVOCATION_INTERVAL_MS,
  DEFAULT_REVOCATION_TIMEOUT_MS,
  REVOCATION_FETCH_SCOPES,
  type ClientIdentity,
} from '../load/index.js';
import { readFlagFile } from './read-flag-file.js';

/** The --cert/--key/--ca/--client-ca flags of the commands that send load to a gateway you run. */
export interface IdentityFlags {
  cert: string[];
  key: string[];
  ca?: string;
  clientCa?: string;
}

export interface LoadedIdentities {
  readonly identities: ClientIdentity[];
  readonly caPem: string;
  readonly clientCaPem: string | undefined;
}

/**
 * --client-ca, shared by probe and load: what the gateway trusts for client certificates. It is
 * never defaulted to --ca (a server's CA says nothing about what the gateway trusts for clients).
 */
export function clientCaOption(): Option {
  return new Option(
    '--client-ca <file>',
    'CA bundle (PEM) the gateway trusts for client certificates (nginx ssl_client_certificate + ssl_trusted_certificate, haproxy ca-file); ' +
      'lets a refusal without a reason be diagnosed as unknown_ca. Without it the path is not checked and --ca is not taken for it',
  );
}

/** --revocation-fetch, shared by probe and load. */
export function revocationFetchOption(): Option {
  return new Option(
    '--revocation-fetch <scope>',
    'when the gateway refuses without a reason, ask the certificate\'s own OCSP responder (AIA) and CRL distribution point ' +
      `(one look-up per certificate per ${DEFAULT_REVOCATION_INTERVAL_MS / 1_000} s, ${DEFAULT_REVOCATION_TIMEOUT_MS / 1_000} s timeout): ` +
      'loopback (only on this machine), any (also remote), off',
  )
    .choices([...REVOCATION_FETCH_SCOPES])
    .default('loopback');
}

/** Repeatable flag values, in order. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Reads every --cert/--key pair (one identity each, named after the certificate file) and the CA bundles. */
export async function loadIdentityFlags(flags: IdentityFlags): Promise<LoadedIdentities> {
  if (flags.cert.length !== flags.key.length) {
    throw new UsageError('E_CLI_FLAG', `${flags.cert.length} --cert but ${flags.key.length} --key`, { hint: 'give one --key per --cert, in the same order' });
  }
  const identities: ClientIdentity[] = await Promise.all(
    flags.cert.map(async (certFile, index) => ({
      name: certFile.replace(/^.*\//, '').replace(/\.(crt\.)?pem$/, ''),
      certPem: await readFlagFile(certFile, '--cert'),
      keyPem: await readFlagFile(flags.key[index]!, '--key'),
    })),
  );
  if (flags.ca === undefined) throw new UsageError('E_CLI_FLAG', '--ca is required', { hint: 'the CA bundle (PEM) that verifies the server certificate' });
  const caPem = await readFlagFile(flags.ca, '--ca');
  const clientCaPem = flags.clientCa === undefined ? undefined : await readFlagFile(flags.clientCa, '--client-ca');
  return { identities, caPem, clientCaPem };
}

/** A whole-number flag within bounds, or E_CLI_FLAG naming the flag. */
export function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError('E_CLI_FLAG', `${flag} must be a whole number from ${min} to ${max}; got "${text}"`, { hint: `e.g. ${flag} ${Math.min(max, 8)}` });
  }
  return value;
}
