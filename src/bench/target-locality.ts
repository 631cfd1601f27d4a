import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Whether a bench target runs on this machine: a loopback address, `localhost`, or a name that
 * resolves to one of this machine's interface addresses. Such a gateway shares our cores, so the
 * generator leaves it one (see defaultGeneratorWorkers). A name that does not resolve counts as
 * remote: bench fails on it later with its own error.
 */
export async function targetIsOnThisMachine(url: string): Promise<boolean> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    return false;
  }
  const own = new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((info) => info?.address),
  );
  return addresses.some((address) => isLoopback(address) || own.has(address));
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
