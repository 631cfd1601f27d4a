import { DEFAULT_CIPHERS } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { nginxConfig } from '../../../src/lab/index.js';
import { tlsPolicyOptions } from '../../../src/lab/processes/node-gateway-config.js';

const base = {
  prefix: '/tmp/p',
  port: 8443,
  replicaName: 'gw',
  pidFile: '/tmp/p/nginx.pid',
  errorLogFile: '/tmp/p/error.log',
  certificateChainFile: '/tmp/p/c.pem',
  keyFile: '/tmp/p/k.pem',
  trustBundleFile: '/tmp/p/t.pem',
};

describe('TLS policy as nginx directives', () => {
  it('defaults to TLS 1.2 and 1.3', () => {
    expect(nginxConfig(base)).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(nginxConfig({ ...base, tlsPolicy: {} })).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
  });

  it('TLS 1.3 only, ciphers, suites and signature algorithms', () => {
    const config = nginxConfig({
      ...base,
      tlsPolicy: { minVersion: 'TLSv1.3', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384', ciphersuites: 'TLS_AES_256_GCM_SHA384', sigalgs: 'ECDSA+SHA384' },
    });
    expect(config).toContain('ssl_protocols TLSv1.3;');
    expect(config).toContain('ssl_ciphers ECDHE-ECDSA-AES256-GCM-SHA384;');
    expect(config).toContain('ssl_conf_command Ciphersuites TLS_AES_256_GCM_SHA384;');
    expect(config).toContain('ssl_conf_command SignatureAlgorithms ECDSA+SHA384;');
  });

  it('refuses what would break the config', () => {
    expect(() => nginxConfig({ ...base, tlsPolicy: { ciphers: 'A; include /etc/passwd' } })).toThrow(/not an OpenSSL list/);
    expect(() => nginxConfig({ ...base, tlsPolicy: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' } })).toThrow(/below minVersion/);
  });
});

describe('TLS policy as Node secure-context options', () => {
  it('no policy, no options', () => {
    expect(tlsPolicyOptions(undefined, DEFAULT_CIPHERS)).toEqual({});
  });

  it('narrowing TLS 1.2 ciphers keeps the default TLS 1.3 suites (Node would disable TLS 1.3 otherwise)', () => {
    const { ciphers } = tlsPolicyOptions({ ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' }, 'TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256');
    expect(ciphers).toBe('TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES256-GCM-SHA384');
  });

  it('versions and signature algorithms pass through', () => {
    expect(tlsPolicyOptions({ minVersion: 'TLSv1.3', sigalgs: 'ECDSA+SHA384' }, DEFAULT_CIPHERS)).toEqual({ minVersion: 'TLSv1.3', sigalgs: 'ECDSA+SHA384' });
  });
});
