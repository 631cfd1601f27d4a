import { describe, expect, it } from 'vitest';
import { MtlsChaosError } from '../../../src/errors.js';
import { parseListenAddress, parseRemoteWriteUrl } from '../../../src/observe/index.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof MtlsChaosError ? error.code : 'not an MtlsChaosError';
  }
  return undefined;
}

describe('parseListenAddress (--metrics-listen)', () => {
  it('a bare port listens on 127.0.0.1; loopback hosts are kept; localhost is 127.0.0.1', () => {
    expect(parseListenAddress('9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress('0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress('127.0.0.2:9464')).toEqual({ host: '127.0.0.2', port: 9464 });
    expect(parseListenAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseListenAddress('localhost:1')).toEqual({ host: '127.0.0.1', port: 1 });
  });

  it('refuses any address beyond loopback, and names the flag', () => {
    for (const value of ['0.0.0.0:9464', '[::]:9464', '192.168.1.5:9464', 'example.org:9464', '[::ffff:10.0.0.1]:80']) {
      expect(codeOf(() => parseListenAddress(value)), value).toBe('E_CLI_FLAG');
    }
    expect(() => parseListenAddress('0.0.0.0:9464')).toThrow(/--metrics-listen: expected a loopback address/);
  });

  it('refuses what is not [HOST:]PORT', () => {
    for (const value of ['', 'abc', '70000', '127.0.0.1:', ':9464', '127.0.0.1:94a']) {
      expect(codeOf(() => parseListenAddress(value)), value).toBe('E_CLI_FLAG');
    }
  });
});

describe('parseRemoteWriteUrl (--prometheus-rw)', () => {
  it('takes an http(s) URL, refuses anything else', () => {
    expect(parseRemoteWriteUrl('http://127.0.0.1:9090/api/v1/write').href).toBe('http://127.0.0.1:9090/api/v1/write');
    for (const value of ['127.0.0.1:9090', 'ftp://x/', 'not a url']) expect(codeOf(() => parseRemoteWriteUrl(value)), value).toBe('E_CLI_FLAG');
  });
});
