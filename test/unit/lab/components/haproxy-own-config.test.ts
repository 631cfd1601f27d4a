import { describe, expect, it } from 'vitest';
import { haproxyConfig, haproxyGlobalAndDefaults } from '../../../../src/lab/components/haproxy-config.js';
import {
  assertHaproxyOwnConfigReloads,
  assertHaproxyOwnConfigUsable,
  fillHaproxyOwnConfig,
  haproxyOwnConfigFacts,
  type HaproxyOwnConfigLab,
} from '../../../../src/lab/components/haproxy-own-config.js';
import type { GatewayConfigTemplate } from '../../../../src/lab/own-config/gateway-config-template.js';

const template = (text: string): GatewayConfigTemplate => ({ file: './team.cfg', text, sha256: 'x' });

const SECTIONS = [
  '# our edge',
  'frontend fe',
  '    bind {{listen}} ssl crt {{server_pem}} ca-file {{client_ca}} verify required crl-file {{crl}}',
  '    default_backend app',
  'backend app',
  '    server app1 {{upstream}}',
].join('\n');

const WHOLE = ['global', '    pidfile {{pid_file}}', 'defaults', '    mode http', 'frontend fe', '    bind {{ address }}:{{port}} ssl crt {{server_pem}}', ''].join('\n');

const lab: HaproxyOwnConfigLab = {
  listenAddress: '127.0.0.1',
  port: 40123,
  echoPort: 40124,
  replicaName: 'gateway-haproxy',
  files: {
    serverPem: '/run/lab/haproxy/server.pem',
    serverCertificate: '/run/lab/haproxy/server.crt',
    serverKey: '/run/lab/haproxy/server.crt.key',
    clientCa: '/run/lab/haproxy/trust-bundle.pem',
    crl: '/run/lab/haproxy/crl.pem',
  },
  prefix: '/run/lab/haproxy',
  pidFile: '/run/lab/haproxy/haproxy.pid',
};

describe('haproxyOwnConfigFacts', () => {
  it('reads crl-file, verify and the lab port from bind lines, ignoring comments', () => {
    expect(haproxyOwnConfigFacts(SECTIONS)).toMatchObject({ wholeFile: false, listensOnLabPort: true, crl: true, verify: 'required' });
    const commented = ['frontend fe', '    bind :443 ssl crt /x.pem # verify required crl-file {{crl}} {{listen}}', '#   bind {{listen}} ssl verify optional'].join('\n');
    const facts = haproxyOwnConfigFacts(commented);
    expect(facts).toMatchObject({ listensOnLabPort: false, crl: false, verify: undefined });
    expect([...facts.placeholders]).toEqual([]);
    // A quoted or escaped # is no comment.
    expect(haproxyOwnConfigFacts('frontend fe\n    bind "{{listen}}" ssl crt "/a#b.pem" crl-file \\#x').crl).toBe(true);
  });

  it('prefers what the bind on the lab port says about verify, and only counts binds of frontends and listen sections', () => {
    const text = ['frontend admin', '    bind 127.0.0.1:9000 ssl crt /x.pem verify none', 'listen fe', '    bind {{listen}} ssl crt {{server_pem}} verify optional'].join('\n');
    expect(haproxyOwnConfigFacts(text).verify).toBe('optional');
    expect(haproxyOwnConfigFacts('backend app\n    bind {{listen}}').listensOnLabPort).toBe(false);
  });

  it('tells a whole file by its global section, with its pidfile and stats sockets', () => {
    const facts = haproxyOwnConfigFacts(`${WHOLE}\n`.replace('defaults', '    stats socket /run/haproxy/admin.sock mode 660 level admin\ndefaults'));
    expect(facts).toMatchObject({ wholeFile: true, pidFile: { line: 2, value: '{{pid_file}}' }, statsSockets: [{ line: 3, path: '/run/haproxy/admin.sock' }] });
    expect(facts.placeholders).toEqual(new Set(['pid_file', 'address', 'port', 'server_pem']));
  });
});

describe('assertHaproxyOwnConfigUsable', () => {
  const refusal = (text: string) => {
    try {
      assertHaproxyOwnConfigUsable(template(text));
    } catch (error) {
      return error as { code: string; message: string; hint: string };
    }
    return undefined;
  };

  it('refuses a config that never binds the lab port, even if the placeholder appears elsewhere', () => {
    expect(refusal('frontend fe\n    bind :8443 ssl crt {{server_pem}}\n    http-request set-header x-port {{port}}')).toMatchObject({
      code: 'E_LAB_CONFIG',
      message: expect.stringContaining("./team.cfg: never listens on the lab's port"),
      hint: expect.stringContaining('bind {{listen}}'),
    });
  });

  it('refuses a bind beyond loopback, naming its line, and lets loopback and the gateway folder through', () => {
    const withSecond = (bind: string) => `${SECTIONS}\nfrontend redirect\n    bind ${bind}\n    http-request redirect scheme https`;
    expect(refusal(withSecond(':80'))).toMatchObject({ code: 'E_LAB_CONFIG', message: './team.cfg:8: bind :80: listens on every interface', hint: expect.stringContaining('loopback') });
    expect(refusal(withSecond('*:80,127.0.0.1:81'))?.message).toContain('bind *:80: listens on every interface');
    expect(refusal(withSecond('ipv4@10.1.2.3:80'))?.message).toContain('listens on 10.1.2.3, not loopback');
    expect(refusal(withSecond('/run/haproxy/fe.sock'))?.message).toContain('a unix socket outside the gateway');
    for (const fine of ['127.0.0.1:80', '[::1]:80', '{{address}}:8080', 'unix@{{prefix}}/fe.sock', 'abns@fe']) expect(refusal(withSecond(fine))).toBeUndefined();
  });

  it('requires `pidfile {{pid_file}}` in a whole file, naming the line to change', () => {
    expect(refusal(WHOLE.replace('    pidfile {{pid_file}}\n', ''))).toMatchObject({ code: 'E_LAB_CONFIG', hint: expect.stringContaining('add `pidfile {{pid_file}}`') });
    expect(refusal(WHOLE.replace('{{pid_file}}', '/run/haproxy.pid'))).toMatchObject({ message: expect.stringContaining('./team.cfg:2: pidfile /run/haproxy.pid') });
  });

  it('refuses a stats socket outside {{prefix}}, naming its line', () => {
    const text = WHOLE.replace('defaults', '    stats socket /run/haproxy/admin.sock mode 660 level admin\ndefaults');
    expect(refusal(text)).toMatchObject({ message: expect.stringContaining('./team.cfg:3: stats socket /run/haproxy/admin.sock'), hint: expect.stringContaining('{{prefix}}/admin.sock') });
    expect(refusal(text.replace('/run/haproxy/admin.sock', '{{prefix}}/admin.sock'))).toBeUndefined();
  });
});

describe('fillHaproxyOwnConfig', () => {
  it('wraps sections in the same global and defaults as the generated config, with the echo upstream after them', () => {
    const filled = fillHaproxyOwnConfig(template(SECTIONS), lab);
    const lines = filled.text.split('\n');
    const globalAndDefaults = haproxyGlobalAndDefaults({ pidFile: lab.pidFile! });
    expect(lines.slice(0, globalAndDefaults.length)).toEqual(globalAndDefaults);
    expect(haproxyConfig({ port: 1, replicaName: 'r', certificateFile: '/c', trustBundleFile: '/t', pidFile: lab.pidFile! }).split('\n').slice(0, globalAndDefaults.length)).toEqual(
      globalAndDefaults,
    );
    expect(filled.text).toContain('    bind 127.0.0.1:40123 ssl crt /run/lab/haproxy/server.pem ca-file /run/lab/haproxy/trust-bundle.pem verify required crl-file /run/lab/haproxy/crl.pem');
    expect(filled.text).toContain('    server app1 127.0.0.1:40124');
    expect(filled.text).toMatch(/frontend mtls_chaos_echo\n(?:.*\n)*    bind 127\.0\.0\.1:40124\n/);
    // The user's line 3 (the bind) is found again from the filled file's.
    const bindLine = lines.findIndex((line) => line.includes('bind 127.0.0.1:40123')) + 1;
    expect(filled.userLineOf(bindLine)).toBe(3);
    expect(filled.userLineOf(1)).toBeUndefined();
    expect(filled.userLineOf(lines.length)).toBeUndefined();
  });

  it('fills a whole file as it is, without the upstream', () => {
    const filled = fillHaproxyOwnConfig(template(WHOLE), lab);
    expect(filled.text).toBe(WHOLE.replace('{{pid_file}}', lab.pidFile!).replace('{{ address }}:{{port}}', '127.0.0.1:40123').replace('{{server_pem}}', lab.files.serverPem));
    expect(() => fillHaproxyOwnConfig(template(`${WHOLE}backend app\n    server app1 {{upstream}}\n`), lab)).toThrow(
      expect.objectContaining({ code: 'E_LAB_CONFIG', message: expect.stringMatching(/\.\/team\.cfg:8:\d+: \{\{upstream\}\} has no value in this lab: a whole haproxy config/) }),
    );
  });

  it('fills {{crl}} only with the lab CRL and {{ocsp_responder}} only with a responder, saying why otherwise', () => {
    const { crl: _crl, ...withoutCrl } = lab.files;
    expect(() => fillHaproxyOwnConfig(template(SECTIONS), { ...lab, files: withoutCrl })).toThrow(
      expect.objectContaining({ code: 'E_LAB_CONFIG', message: expect.stringContaining('./team.cfg:3:') }),
    );
    expect(() => fillHaproxyOwnConfig(template(SECTIONS), { ...lab, files: withoutCrl })).toThrow(/lab\.gateway\.crl is not true/);
    const withResponder = `${SECTIONS}\n    http-request set-header x-ocsp {{ocsp_responder}}`;
    expect(() => fillHaproxyOwnConfig(template(withResponder), lab)).toThrow(/the lab runs no OCSP responder/);
    expect(fillHaproxyOwnConfig(template(withResponder), { ...lab, ocspResponderUrl: 'http://127.0.0.1:9/' }).text).toContain('x-ocsp http://127.0.0.1:9/');
  });
});

describe('assertHaproxyOwnConfigReloads', () => {
  const check = (text: string, files: Parameters<typeof assertHaproxyOwnConfigReloads>[2]) => () =>
    assertHaproxyOwnConfigReloads(template(text), haproxyOwnConfigFacts(text), files);

  it('refuses a TLS policy, and files the config never reads', () => {
    expect(check(SECTIONS, { tlsPolicy: {} })).toThrow(expect.objectContaining({ code: 'E_LAB_CONFIG', message: expect.stringContaining('TLS policy of your own config') }));
    expect(check(WHOLE, { crlPem: 'x' })).toThrow(expect.objectContaining({ code: 'E_LAB_CONFIG', message: expect.stringContaining('{{crl}}') }));
    expect(check(WHOLE, { trustBundlePem: 'x' })).toThrow(/\{\{client_ca\}\}/);
  });

  it('lets through what the placeholders point to', () => {
    expect(check(SECTIONS, { crlPem: 'x', trustBundlePem: 'x', certificateChainPem: 'x', keyPem: 'x' })).not.toThrow();
    expect(check(SECTIONS.replace('{{server_pem}}', '{{server_certificate}}'), { certificateChainPem: 'x', keyPem: 'x' })).not.toThrow();
    expect(check(SECTIONS.replace('crt {{server_pem}}', 'crt /etc/ssl/ours.pem'), { keyPem: 'x' })).toThrow(/\{\{server_pem\}\} or \{\{server_key\}\} or \{\{server_certificate\}\}/);
  });
});
