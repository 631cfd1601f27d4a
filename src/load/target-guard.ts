import { BlockList, isIP } from 'node:net';
import { UsageError } from '../errors.js';
import { parseTargetUrl } from './load-target.js';

/** The flag that lets load leave this machine, and the environment variable that does the same. */
export const ALLOW_TARGET_FLAG = '--allow-target';
export const ALLOW_TARGETS_ENV = 'MTLS_CHAOS_ALLOW_TARGETS';

/** A host (lowercase, IPv6 without brackets, IPv4 in dotted form) and, where one was named, a port. */
export interface TargetHost {
  readonly host: string;
  readonly port?: number;
}

/** Where load is about to go: always with a port (443 when a URL names none). */
export interface GuardedTarget {
  readonly host: string;
  readonly port: number;
  /** host:port as a flag would take it ([v6]:port). */
  readonly address: string;
  /** 127.0.0.0/8, ::1 (also IPv4-mapped) or the name `localhost`: no allow entry needed. */
  readonly loopback: boolean;
  /** What let a non-loopback target through: `--allow-target 192.0.2.1:8443` or the variable and its entry. */
  readonly allowedBy?: string;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Whether a host is this machine's loopback, decided from the text alone. A name is never resolved
 * here: resolving sends a DNS query, and a name can point anywhere, so only `localhost` itself
 * (answered from /etc/hosts) counts; every other name needs an allow entry.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  const family = isIP(bare);
  // BlockList checks IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 rule too.
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** `host[:port]` with brackets around IPv6 when a port follows; the form error messages suggest. */
export function formatHostPort({ host, port }: TargetHost): string {
  const shown = isIP(host) === 6 ? `[${host}]` : host;
  return port === undefined ? shown : `${shown}:${port}`;
}

/**
 * Parses `HOST[:PORT]` (`192.0.2.1`, `gateway.example:8443`, `[2001:db8::1]:443`, `2001:db8::1`).
 * The host goes through the URL parser, as a target URL's host does, so `GATEWAY.example` and
 * `gateway.example`, or `0x7f.1` and `127.0.0.1`, compare equal. `source` names where the text came
 * from, for the error.
 */
export function parseHostPort(text: string, source: string): TargetHost {
  const trimmed = text.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  const plain = bracketed ? undefined : trimmed.split(':').length > 2 ? [trimmed, trimmed, undefined] : /^([^:]+)(?::(\d+))?$/.exec(trimmed);
  const match = bracketed ?? plain;
  const bad = (why: string) =>
    new UsageError('E_CLI_FLAG', `${source}: "${text}" is not HOST[:PORT] (${why})`, {
      hint: `e.g. ${ALLOW_TARGET_FLAG} gateway.example:8443, ${ALLOW_TARGET_FLAG} 192.0.2.10 or ${ALLOW_TARGET_FLAG} [2001:db8::1]:443`,
    });
  if (!match || !match[1]) throw bad('a host, then optionally a colon and a port');
  const rawHost = match[1];
  let host: string;
  try {
    const url = new URL(`https://${isIP(rawHost) === 6 ? `[${rawHost}]` : rawHost}/`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || url.port) throw new Error('not a bare host');
    host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    throw bad('not a host name or IP address');
  }
  if (match[2] === undefined) return { host };
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw bad('the port must be from 1 to 65535');
  return { host, port };
}

/**
 * The hosts (and ports) load may go to beyond loopback: every `--allow-target` value and the
 * `MTLS_CHAOS_ALLOW_TARGETS` variable, each a comma- or space-separated list of HOST[:PORT].
 * An entry without a port allows every port of that host.
 */
export class TargetAllowList {
  private constructor(private readonly entries: readonly AllowEntry[]) {}

  static from(flagValues: readonly string[], env: NodeJS.ProcessEnv = process.env): TargetAllowList {
    const parse = (source: string) => (text: string) => ({ text, source, target: parseHostPort(text, source) });
    return new TargetAllowList([
      ...flagValues.flatMap((value) => splitList(value).map(parse(ALLOW_TARGET_FLAG))),
      ...splitList(env[ALLOW_TARGETS_ENV] ?? '').map(parse(ALLOW_TARGETS_ENV)),
    ]);
  }

  /**
   * Where the entry that allows host:port came from and how it was written (`--allow-target
   * 192.0.2.1:8443`), if any: host exact (case-insensitive), port when the entry names one.
   */
  allowing(target: { host: string; port: number }): string | undefined {
    const host = target.host.toLowerCase();
    const entry = this.entries.find(({ target: allowed }) => allowed.host === host && (allowed.port === undefined || allowed.port === target.port));
    return entry && `${entry.source} ${entry.text}`;
  }

  get size(): number {
    return this.entries.length;
  }

  toString(): string {
    return this.entries.map(({ text }) => text).join(', ');
  }
}

interface AllowEntry {
  readonly text: string;
  /** The flag or the environment variable the entry came from. */
  readonly source: string;
  readonly target: TargetHost;
}

function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((entry) => entry.length > 0);
}

/**
 * The guard every command that sends load calls before anything leaves the process (no DNS query,
 * no connection): a loopback target passes; any other needs an allow entry, or this throws
 * E_TARGET_NOT_ALLOWED (exit 2) naming the flag to add. `target` is an https URL (probe, load,
 * bench) or a `host:port` (a scenario's external gateway address). `command` names who asks.
 */
export function guardTarget(target: string, allow: TargetAllowList, command: string): GuardedTarget {
  const { host, port } = target.includes('://') ? parseTargetUrl(target) : requirePort(parseHostPort(target, command), target, command);
  const address = formatHostPort({ host, port });
  if (isLoopbackHost(host)) return { host, port, address, loopback: true };
  const allowedBy = allow.allowing({ host, port });
  if (allowedBy !== undefined) return { host, port, address, loopback: false, allowedBy };
  // A name is not resolved to decide: the DNS query would already be a packet sent.
  const named = isIP(host) === 0 ? ' (names other than localhost are not resolved to decide: allow the name as written)' : '';
  throw new UsageError(
    'E_TARGET_NOT_ALLOWED',
    `${command}: target ${address} is outside loopback, and load goes only to loopback unless the target is allowed; nothing was sent${named}`,
    {
      hint:
        `if this is a gateway you run and mean to load, add ${ALLOW_TARGET_FLAG} ${address} (or set ${ALLOW_TARGETS_ENV}=${address})` +
        (allow.size > 0 ? `; allowed now: ${allow.toString()}` : ''),
    },
  );
}

function requirePort(target: TargetHost, text: string, command: string): { host: string; port: number } {
  if (target.port === undefined) {
    throw new UsageError('E_CLI_FLAG', `${command}: target "${text}" needs a port`, { hint: 'give host:port, e.g. gateway.example:8443' });
  }
  return { host: target.host, port: target.port };
}
