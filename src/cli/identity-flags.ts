import { UsageError } from '../errors.js';
import type { ClientIdentity } from '../load/index.js';
import { readFlagFile } from './read-flag-file.js';

/** The --cert/--key/--ca/--client-ca flags of the commands that send load to a gateway you run. */
export interface IdentityFlags {
  cert: string[];
  key: string[];
  ca: string;
  clientCa?: string;
}

export interface LoadedIdentities {
  readonly identities: ClientIdentity[];
  readonly caPem: string;
  readonly clientCaPem: string | undefined;
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
