import { describe, expect, it } from 'vitest';
import { nginxConfig, nginxMainContext, type NginxConfigInput } from '../../../../src/lab/components/nginx-config.js';

const base: NginxConfigInput = {
  prefix: '/tmp/lab/nginx',
  port: 40123,
  replicaName: 'gateway-nginx',
  pidFile: '/tmp/lab/nginx/nginx.pid',
  errorLogFile: '/tmp/lab/nginx/logs/error.log',
  certificateChainFile: '/tmp/lab/nginx/conf/server-chain.pem',
  keyFile: '/tmp/lab/nginx/conf/server.key.pem',
  trustBundleFile: '/tmp/lab/nginx/conf/trust-bundle.pem',
};

describe('nginxConfig', () => {
  it('writes an mTLS server on 127.0.0.1 with everything under the prefix', () => {
    const conf = nginxConfig(base);
    expect(conf).toContain('listen 127.0.0.1:40123 ssl;');
    expect(conf).toContain('ssl_verify_client on;');
    expect(conf).toContain('ssl_client_certificate "/tmp/lab/nginx/conf/trust-bundle.pem";');
    expect(conf).toContain('ssl_certificate "/tmp/lab/nginx/conf/server-chain.pem";');
    expect(conf).toContain('ssl_certificate_key "/tmp/lab/nginx/conf/server.key.pem";');
    expect(conf).toContain('ssl_verify_depth 3;');
    expect(conf).toContain('worker_processes 1;');
    expect(conf).toContain('pid "/tmp/lab/nginx/nginx.pid";');
    expect(conf).toContain('error_log "/tmp/lab/nginx/logs/error.log" info;');
    for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      expect(conf).toContain(`${temp}_temp_path "/tmp/lab/nginx/temp/${temp}";`);
    }
    expect(conf).toContain('add_header x-mtls-chaos-replica gateway-nginx always;');
    expect(conf).toContain('$ssl_client_s_dn');
    expect(conf).toContain('$ssl_client_verify');
    expect(conf).not.toContain('ssl_crl');
    expect(conf).not.toContain('ssl_ocsp');
    expect(conf).not.toMatch(/listen (?!127\.0\.0\.1)/);
    // Braces balance: nginx would refuse the file otherwise.
    expect(conf.split('{').length).toBe(conf.split('}').length);
  });

  it('adds CRL and OCSP directives when asked', () => {
    const conf = nginxConfig({
      ...base,
      workerProcesses: 2,
      crlFile: '/tmp/lab/nginx/conf/crl.pem',
      ocsp: { mode: 'hard-fail', responderUrl: 'http://127.0.0.1:40200/' },
    });
    expect(conf).toContain('worker_processes 2;');
    expect(conf).toContain('ssl_crl "/tmp/lab/nginx/conf/crl.pem";');
    expect(conf).toContain('ssl_ocsp leaf;');
    expect(conf).toContain('ssl_ocsp_responder http://127.0.0.1:40200/;');
    expect(conf).toContain('ssl_ocsp_cache shared:mtls_chaos_ocsp:1m;');
  });

  it('leaves OCSP out when its mode is off', () => {
    expect(nginxConfig({ ...base, ocsp: { mode: 'off' } })).not.toContain('ssl_ocsp');
  });

  it('refuses soft-fail OCSP, which nginx does not have', () => {
    expect(() => nginxConfig({ ...base, ocsp: { mode: 'soft-fail' } })).toThrow(
      expect.objectContaining({ code: 'E_LAB_NGINX_CONFIG', path: ['lab', 'gateway', 'ocsp', 'mode'] }),
    );
  });

  it('refuses paths nginx would misread', () => {
    expect(() => nginxConfig({ ...base, prefix: '/tmp/my "lab"' })).toThrow(expect.objectContaining({ code: 'E_LAB_NGINX_CONFIG' }));
    expect(() => nginxConfig({ ...base, keyFile: '/tmp/a;b' })).toThrow(expect.objectContaining({ code: 'E_LAB_NGINX_CONFIG' }));
  });

  it('is the main context (shared with own server blocks) around one server', () => {
    const main = nginxMainContext({ ...base, resolver: '127.0.0.11' });
    const conf = nginxConfig({ ...base, resolver: '127.0.0.11', listenHost: '0.0.0.0' });
    expect(conf.startsWith(main.before.join('\n'))).toBe(true);
    expect(conf.endsWith(main.after.join('\n'))).toBe(true);
    expect(main.before.at(-2)).toBe('    resolver 127.0.0.11 valid=10s;'); // http level: every server inherits it
    expect(main.before).toContain('http {');
    expect(() => nginxMainContext({ ...base, prefix: '/tmp/a;b' })).toThrow(expect.objectContaining({ code: 'E_LAB_NGINX_CONFIG' }));
  });
});
