import { describe, expect, it } from 'vitest';
import { parseTargetUrl } from '../../../src/load/load-target.js';
import { checkLoadProfile } from '../../../src/load/run-load.js';

describe('checkLoadProfile', () => {
  it.each([
    [{ kind: 'constant-rate', ratePerSecond: 100_001, durationMs: 1_000 }],
    [{ kind: 'constant-rate', ratePerSecond: 0, durationMs: 1_000 }],
    [{ kind: 'constant-rate', ratePerSecond: 10, durationMs: 24 * 3_600_000 + 1 }],
    [{ kind: 'concurrency', concurrency: 10_001, durationMs: 1_000 }],
    [{ kind: 'concurrency', concurrency: 1.5, durationMs: 1_000 }],
    [{ kind: 'ramp', startRatePerSecond: 0, stages: [{ toRatePerSecond: 0, durationMs: 1_000 }] }],
  ] as const)('rejects %o with E_LOAD_PROFILE', (profile) => {
    expect(() => checkLoadProfile(profile)).toThrow(expect.objectContaining({ code: 'E_LOAD_PROFILE' }));
  });

  it('accepts the limits themselves', () => {
    expect(() => checkLoadProfile({ kind: 'constant-rate', ratePerSecond: 100_000, durationMs: 24 * 3_600_000 })).not.toThrow();
    expect(() => checkLoadProfile({ kind: 'concurrency', concurrency: 10_000, durationMs: 1 })).not.toThrow();
  });
});

describe('parseTargetUrl', () => {
  it('takes https URLs with host, port and path', () => {
    expect(parseTargetUrl('https://127.0.0.1:8443/health?x=1')).toEqual({ host: '127.0.0.1', port: 8443, path: '/health?x=1', hostHeader: '127.0.0.1:8443' });
    expect(parseTargetUrl('https://gw.staging.example')).toMatchObject({ host: 'gw.staging.example', port: 443, path: '/' });
    expect(parseTargetUrl('https://[::1]:9443/')).toMatchObject({ host: '::1', port: 9443 });
  });

  it.each(['http://127.0.0.1:80/', 'not a url', 'ftp://x/'])('refuses %s with E_URL', (url) => {
    expect(() => parseTargetUrl(url)).toThrow(expect.objectContaining({ code: 'E_URL' }));
  });
});
