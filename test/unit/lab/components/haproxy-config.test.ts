import { describe, expect, it } from 'vitest';
import { haproxyConfig, type HaproxyConfigInput } from '../../../../src/lab/components/haproxy-config.js';

const base: HaproxyConfigInput = {
  port: 40123,
  replicaName: 'gateway-haproxy',
  certificateFile: '/tmp/lab/haproxy/server.pem',
  trustBundleFile: '/tmp/lab/haproxy/trust-bundle.pem',
};

const bindLine = (config: string) => config.split('\n').find((line) => line.trim().startsWith('bind '))!;

describe('haproxyConfig', () => {
  it('binds mTLS on 127.0.0.1 with verify optional and refuses in HTTP, naming the reason per verify error', () => {
    const config = haproxyConfig(base);
    expect(bindLine(config).trim()).toBe(
      'bind 127.0.0.1:40123 ssl crt "/tmp/lab/haproxy/server.pem" ca-file "/tmp/lab/haproxy/trust-bundle.pem" ' +
        'verify optional ca-ignore-err all crt-ignore-err all ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.3',
    );
    expect(config).toContain('http-after-response set-header x-mtls-chaos-replica gateway-haproxy');
    expect(config).toMatch(/http-request return status 496 .* hdr x-mtls-chaos-reason certificate_required .* if !\{ ssl_c_used \}/);
    expect(config).toMatch(/http-request return status 495 .* hdr x-mtls-chaos-reason cert_expired .* if \{ ssl_c_ca_err 10 \} \|\| \{ ssl_c_err 10 \} \|\| \{ ssl_c_verify 10 \}/);
    expect(config).toMatch(/hdr x-mtls-chaos-reason cert_revoked .* if \{ ssl_c_ca_err 23 \} .* \{ ssl_c_verify 23 \}/);
    expect(config).toMatch(/hdr x-mtls-chaos-reason unknown_ca .* if \{ ssl_c_ca_err 2 18 19 20 21 27 \}/);
    // Several problems: the one OpenSSL meets first wins (trust, then revocation, then dates).
    const order = ['unknown_ca', 'cert_revoked', 'cert_expired', 'cert_not_yet_valid', 'ocsp_unavailable'].map((reason) =>
      config.indexOf(`x-mtls-chaos-reason ${reason}`),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The catch-all refusal comes after every specific one and before the success answer.
    const lines = config.split('\n');
    const catchAll = lines.findIndex((line) => line.includes('if !{ ssl_c_verify 0 }'));
    const success = lines.findIndex((line) => line.includes('return status 200'));
    expect(lines.findLastIndex((line) => line.includes('return status 495'))).toBe(catchAll);
    expect(catchAll).toBeLessThan(success);
    expect(config).not.toContain('crl-file');
    expect(config).toContain('nbthread 1');
  });

  it('adds crl-file, verify required (alert mode), pid file and a TLS policy when asked', () => {
    const config = haproxyConfig({
      ...base,
      crlFile: '/tmp/lab/haproxy/crl.pem',
      rejectWith: 'alert',
      pidFile: '/tmp/lab/haproxy/haproxy.pid',
      tlsPolicy: { minVersion: 'TLSv1.3', ciphersuites: 'TLS_AES_256_GCM_SHA384', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' },
    });
    const bind = bindLine(config);
    expect(bind).toContain('crl-file "/tmp/lab/haproxy/crl.pem"');
    expect(bind).toContain(' verify required ');
    expect(bind).not.toContain('ignore-err');
    expect(bind).toContain('ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.3 ciphers ECDHE-ECDSA-AES256-GCM-SHA384 ciphersuites TLS_AES_256_GCM_SHA384');
    expect(config).toContain('pidfile "/tmp/lab/haproxy/haproxy.pid"');
  });

  it('binds another address for a container, bracketing IPv6', () => {
    expect(bindLine(haproxyConfig({ ...base, bindAddress: '0.0.0.0' }))).toContain('bind 0.0.0.0:40123 ssl');
    expect(bindLine(haproxyConfig({ ...base, bindAddress: '::1' }))).toContain('bind [::1]:40123 ssl');
  });

  it('refuses what haproxy would misread or cannot do, with E_LAB_HAPROXY_CONFIG', () => {
    expect(() => haproxyConfig({ ...base, certificateFile: '/tmp/my lab/server.pem' })).toThrow(/certificateFile contains a character/);
    expect(() => haproxyConfig({ ...base, replicaName: 'a b' })).toThrow(/replicaName is not a plain name/);
    expect(() => haproxyConfig({ ...base, bindAddress: 'example.org' })).toThrow(/not an IP address/);
    expect(() => haproxyConfig({ ...base, tlsPolicy: { sigalgs: 'ECDSA+SHA384' } })).toThrow(
      expect.objectContaining({ code: 'E_LAB_HAPROXY_CONFIG', message: expect.stringMatching(/cannot restrict signature algorithms/) }),
    );
    expect(() => haproxyConfig({ ...base, tlsPolicy: { ciphers: 'AES; rm' } })).toThrow(/not an OpenSSL list/);
    expect(() => haproxyConfig({ ...base, tlsPolicy: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' } })).toThrow(/below minVersion/);
  });
});
