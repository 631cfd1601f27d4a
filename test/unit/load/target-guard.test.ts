import { describe, expect, it } from 'vitest';
import { MtlsChaosError } from '../../../src/errors.js';
import { ALLOW_TARGETS_ENV, TargetAllowList, guardTarget, isLoopbackHost, parseHostPort } from '../../../src/load/target-guard.js';

const none = TargetAllowList.from([], {});
const allow = (...values: string[]) => TargetAllowList.from(values, {});

/** The error guardTarget throws, or a failure when it lets the target through. */
function refusal(target: string, list: TargetAllowList): MtlsChaosError {
  try {
    guardTarget(target, list, 'load');
  } catch (error) {
    if (error instanceof MtlsChaosError) return error;
    throw error;
  }
  throw new Error(`${target} was let through`);
}

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.255.3.4', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  // A name other than localhost could resolve anywhere; deciding would take a DNS query.
  it.each(['192.0.2.1', '128.0.0.1', '0.0.0.0', '::', '2001:db8::1', '::ffff:192.0.2.1', 'gateway.example', 'localhost.', 'api.localhost', 'localhost.example'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('parseHostPort', () => {
  it('reads hosts, ports and IPv6 in brackets, normalised as a URL host is', () => {
    expect(parseHostPort('192.0.2.1', 'x')).toEqual({ host: '192.0.2.1' });
    expect(parseHostPort('192.0.2.1:8443', 'x')).toEqual({ host: '192.0.2.1', port: 8443 });
    expect(parseHostPort('GATEWAY.Example:443', 'x')).toEqual({ host: 'gateway.example', port: 443 });
    expect(parseHostPort('[2001:DB8::1]:443', 'x')).toEqual({ host: '2001:db8::1', port: 443 });
    expect(parseHostPort('2001:db8::1', 'x')).toEqual({ host: '2001:db8::1' });
    expect(parseHostPort('[::1]', 'x')).toEqual({ host: '::1' });
  });

  it.each(['', 'https://gateway.example/', 'gateway.example:0', 'gateway.example:65536', 'gateway.example:http', 'gate way', 'user@gateway.example', 'gateway.example/path', '[::1'])(
    'refuses "%s" with E_CLI_FLAG naming the source',
    (text) => {
      expect(() => parseHostPort(text, '--allow-target')).toThrow(expect.objectContaining({ code: 'E_CLI_FLAG', message: expect.stringContaining('--allow-target') }));
    },
  );
});

describe('guardTarget', () => {
  it('lets loopback URLs through without an allow entry', () => {
    for (const url of ['https://127.0.0.1:8443/', 'https://127.1.2.3/', 'https://[::1]:443/', 'https://localhost:9/x', 'https://0x7f.1:8443/']) {
      expect(guardTarget(url, none, 'load')).toMatchObject({ loopback: true });
    }
  });

  it('refuses an address outside loopback, naming the target and the exact flag to add', () => {
    const error = refusal('https://192.0.2.1:8443/', none);
    expect(error.code).toBe('E_TARGET_NOT_ALLOWED');
    expect(error.message).toContain('192.0.2.1:8443');
    expect(error.message).toContain('nothing was sent');
    expect(error.hint).toContain('--allow-target 192.0.2.1:8443');
    expect(error.hint).toContain(`${ALLOW_TARGETS_ENV}=192.0.2.1:8443`);
  });

  it('names the default port and brackets IPv6 in the flag it suggests', () => {
    expect(refusal('https://192.0.2.1/', none).hint).toContain('--allow-target 192.0.2.1:443');
    expect(refusal('https://[2001:db8::1]/', none).hint).toContain('--allow-target [2001:db8::1]:443');
  });

  it('refuses a host name, however it would resolve, and says it was not resolved', () => {
    const error = refusal('https://gateway.example:8443/', none);
    expect(error.hint).toContain('--allow-target gateway.example:8443');
    expect(error.message).toContain('not resolved');
  });

  it('matches the host exactly (case-insensitive) and the port when the entry names one', () => {
    expect(guardTarget('https://192.0.2.1:8443/', allow('192.0.2.1:8443'), 'load')).toMatchObject({ loopback: false, allowedBy: '--allow-target 192.0.2.1:8443' });
    expect(guardTarget('https://192.0.2.1:9000/', allow('192.0.2.1'), 'load').allowedBy).toBe('--allow-target 192.0.2.1');
    expect(guardTarget('https://Gateway.EXAMPLE/', allow('gateway.example:443'), 'load').address).toBe('gateway.example:443');
    expect(guardTarget('https://[2001:db8::1]:443/', allow('[2001:db8::1]:443'), 'load').address).toBe('[2001:db8::1]:443');
    expect(refusal('https://192.0.2.1:9000/', allow('192.0.2.1:8443')).hint).toContain('allowed now: 192.0.2.1:8443');
    expect(refusal('https://192.0.2.10/', allow('192.0.2.1')).code).toBe('E_TARGET_NOT_ALLOWED');
    // No suffix or parent-domain matching: allowing a name allows that name only.
    expect(refusal('https://api.gateway.example/', allow('gateway.example')).code).toBe('E_TARGET_NOT_ALLOWED');
    expect(refusal('https://gateway.example/', allow('192.0.2.1')).code).toBe('E_TARGET_NOT_ALLOWED');
  });

  it('takes entries repeated, comma-separated and from the environment variable', () => {
    const list = TargetAllowList.from(['192.0.2.1:8443,gateway.example', '198.51.100.7'], { [ALLOW_TARGETS_ENV]: '203.0.113.5:443, [2001:db8::1]' });
    expect(guardTarget('https://gateway.example:1/', list, 'load').allowedBy).toBe('--allow-target gateway.example');
    expect(guardTarget('https://198.51.100.7/', list, 'load').loopback).toBe(false);
    expect(guardTarget('https://203.0.113.5/', list, 'load').allowedBy).toBe(`${ALLOW_TARGETS_ENV} 203.0.113.5:443`);
    expect(guardTarget('https://[2001:db8::1]:8443/', list, 'load').allowedBy).toBe(`${ALLOW_TARGETS_ENV} [2001:db8::1]`);
  });

  it('refuses a bad entry in the environment variable, naming the variable', () => {
    expect(() => TargetAllowList.from([], { [ALLOW_TARGETS_ENV]: 'gateway.example:99999' })).toThrow(ALLOW_TARGETS_ENV);
  });

  it('takes a host:port, as a scenario\'s external gateway address', () => {
    expect(guardTarget('127.0.0.1:8443', none, 'run')).toMatchObject({ loopback: true, port: 8443 });
    expect(guardTarget('gateway.example:8443', allow('gateway.example'), 'run')).toMatchObject({ loopback: false, host: 'gateway.example', port: 8443 });
    expect(refusal('192.0.2.1:8443', none).hint).toContain('--allow-target 192.0.2.1:8443');
    expect(() => guardTarget('gateway.example', none, 'run')).toThrow(expect.objectContaining({ code: 'E_CLI_FLAG' }));
  });
});
