import { describe, expect, it } from 'vitest';
import {
  assertNginxOwnConfigRunnable,
  assertOwnConfigReloadable,
  fillNginxOwnConfig,
  nginxCheckError,
  nginxDirectives,
  nginxOwnConfigFacts,
  type NginxOwnConfigInput,
} from '../../../../src/lab/components/nginx-own-config.js';
import type { GatewayConfigTemplate } from '../../../../src/lab/own-config/gateway-config-template.js';

const template = (text: string): GatewayConfigTemplate => ({ file: './team-nginx.conf', text, sha256: 'not checked here' });

const input: NginxOwnConfigInput = {
  prefix: '/run/gw/nginx',
  pidFile: '/run/gw/nginx/nginx.pid',
  errorLogFile: '/run/gw/nginx/logs/error.log',
  listenHost: '127.0.0.1',
  port: 40123,
  replicaName: 'gateway-nginx',
  certificateChainFile: '/run/gw/nginx/conf/server-chain.pem',
  keyFile: '/run/gw/nginx/conf/server.key.pem',
  serverPemFile: '/run/gw/nginx/conf/server.pem',
  trustBundleFile: '/run/gw/nginx/conf/trust-bundle.pem',
  upstreamPort: 40124,
};

const SERVER_BLOCK = `# ours
server {
    listen {{listen}} ssl;
    ssl_certificate {{server_certificate}};
    ssl_certificate_key {{server_key}};
    ssl_client_certificate {{client_ca}};
    ssl_verify_client on;
    location / { proxy_pass http://{{upstream}}; }
}
`;

describe('nginxDirectives', () => {
  it('reads directives as nginx does: comments out, quotes grouped, placeholders and ${variables} inside words', () => {
    const directives = nginxDirectives(`# http { ssl_ocsp on; }
server { # a comment { with braces }
    add_header X-A "a; b # not a comment";
    return 200 ok#not-a-comment;
    set $x \${host}-{{replica}};
}`);
    expect(directives).toEqual([
      { name: 'server', args: [], line: 2, depth: 0, opensBlock: true },
      { name: 'add_header', args: ['X-A', 'a; b # not a comment'], line: 3, depth: 1, opensBlock: false },
      { name: 'return', args: ['200', 'ok#not-a-comment'], line: 4, depth: 1, opensBlock: false },
      { name: 'set', args: ['$x', '${host}-{{replica}}'], line: 5, depth: 1, opensBlock: false },
    ]);
  });
});

describe('nginxOwnConfigFacts', () => {
  it('tells server blocks from a whole nginx.conf by a top-level http or events block, not by a comment', () => {
    expect(nginxOwnConfigFacts(SERVER_BLOCK).form).toBe('server-blocks');
    expect(nginxOwnConfigFacts(`# unlike our http { } file\n${SERVER_BLOCK}`).form).toBe('server-blocks');
    expect(nginxOwnConfigFacts('events {}\nhttp { server { listen {{listen}}; } }').form).toBe('whole-file');
  });

  it('reports OCSP, CRL and client verification as the directives say, ignoring commented ones', () => {
    expect(nginxOwnConfigFacts(SERVER_BLOCK)).toMatchObject({
      ocsp: false,
      crl: false,
      crlPlaceholder: false,
      verifyClient: 'on',
      listensOnLabPort: true,
      user: false,
      placeholders: ['listen', 'server_certificate', 'server_key', 'client_ca', 'upstream'],
    });
    const production = nginxOwnConfigFacts('server {\n  ssl_verify_client optional;\n  ssl_ocsp leaf;\n  ssl_crl /etc/nginx/crl.pem;\n  # ssl_crl {{crl}};\n}');
    expect(production).toMatchObject({ ocsp: true, crl: true, crlPlaceholder: false, verifyClient: 'optional', listensOnLabPort: false });
    expect(production.placeholders).toEqual([]);
    expect(nginxOwnConfigFacts('server { ssl_ocsp off; ssl_crl {{crl}}; }')).toMatchObject({ ocsp: false, crl: true, crlPlaceholder: true, verifyClient: undefined });
    expect(nginxOwnConfigFacts('server { ssl_ocsp on; listen {{address}}:{{port}}; }')).toMatchObject({ ocsp: true, listensOnLabPort: true });
    expect(nginxOwnConfigFacts('user www-data;\nevents {}\nhttp {}').user).toBe(true);
  });

  it('says whether the lab can read rejection reasons: every error_log is {{error_log}} at info or debug', () => {
    expect(nginxOwnConfigFacts(SERVER_BLOCK).rejectionReasonsLogged).toBe(true); // the wrapper's, at info
    expect(nginxOwnConfigFacts('error_log {{error_log}} info;\nevents {}\nhttp {}').rejectionReasonsLogged).toBe(true);
    expect(nginxOwnConfigFacts('error_log {{error_log}} warn;\nevents {}\nhttp {}').rejectionReasonsLogged).toBe(false);
    expect(nginxOwnConfigFacts('server { error_log /var/log/nginx/edge.log info; }').rejectionReasonsLogged).toBe(false);
  });
});

describe('assertNginxOwnConfigRunnable', () => {
  it('refuses a config that never listens on the lab\'s port, naming its own listen lines', () => {
    expect(() => assertNginxOwnConfigRunnable(template('server {\n  listen 443 ssl;\n}'))).toThrow(
      expect.objectContaining({
        code: 'E_LAB_CONFIG',
        message: expect.stringMatching(/never listens on the lab's port.*\.\/team-nginx\.conf:2: listen 443 ssl/),
        hint: expect.stringContaining('listen {{listen}} ssl;'),
      }),
    );
  });

  it('asks a whole nginx.conf for {{pid_file}} and {{error_log}}, with the line to add', () => {
    const whole = 'events {}\nhttp { server { listen {{listen}} ssl; } }';
    expect(() => assertNginxOwnConfigRunnable(template(whole))).toThrow(
      expect.objectContaining({ code: 'E_LAB_CONFIG', message: expect.stringContaining('{{pid_file}}'), hint: expect.stringContaining('pid {{pid_file}};') }),
    );
    expect(() => assertNginxOwnConfigRunnable(template(`pid {{pid_file}};\nerror_log /var/log/nginx/error.log;\n${whole}`))).toThrow(
      expect.objectContaining({ code: 'E_LAB_CONFIG', message: expect.stringContaining('{{error_log}}'), hint: expect.stringContaining('error_log {{error_log}} info;') }),
    );
    expect(assertNginxOwnConfigRunnable(template(`pid {{pid_file}};\nerror_log {{error_log}} info;\n${whole}`)).form).toBe('whole-file');
    // Server blocks need neither: the lab's wrapper has its own.
    expect(assertNginxOwnConfigRunnable(template(SERVER_BLOCK)).form).toBe('server-blocks');
  });
});

describe('fillNginxOwnConfig', () => {
  it('wraps server blocks in the lab\'s main context and http block, beside the echo upstream, keeping the user\'s line numbers', () => {
    const user = template(SERVER_BLOCK);
    const filled = fillNginxOwnConfig(user, nginxOwnConfigFacts(user.text), input);
    const lines = filled.text.split('\n');
    expect(lines).toContain('pid "/run/gw/nginx/nginx.pid";');
    expect(lines).toContain('error_log "/run/gw/nginx/logs/error.log" info;');
    expect(lines).toContain('    proxy_temp_path "/run/gw/nginx/temp/proxy";');
    expect(lines).toContain('        listen 127.0.0.1:40124;');
    expect(filled.text).toContain('proxy_pass http://127.0.0.1:40124;');
    expect(filled.text).toContain('ssl_client_certificate /run/gw/nginx/conf/trust-bundle.pem;');
    const listenLine = lines.indexOf('    listen 127.0.0.1:40123 ssl;') + 1;
    expect(filled.userLineOf(listenLine)).toBe(3);
    expect(filled.userLineOf(1)).toBeUndefined();
    // The user's text sits inside http: the wrapper's braces and the user's balance.
    const http = nginxDirectives(filled.text).filter((directive) => directive.depth === 0).map((directive) => directive.name);
    expect(http).toEqual(['worker_processes', 'pid', 'error_log', 'events', 'http']);
    expect(nginxDirectives(filled.text).find((directive) => directive.name === 'server' && directive.line === listenLine - 1)?.depth).toBe(1);
  });

  it('fills a whole nginx.conf as it is, where {{upstream}} has no value, saying why', () => {
    const whole = template('pid {{pid_file}};\nerror_log {{error_log}} info;\nevents {}\nhttp { server { listen {{listen}} ssl; } }');
    const filled = fillNginxOwnConfig(whole, nginxOwnConfigFacts(whole.text), { ...input, listenHost: '0.0.0.0', port: 8443 });
    expect(filled.text).toBe('pid /run/gw/nginx/nginx.pid;\nerror_log /run/gw/nginx/logs/error.log info;\nevents {}\nhttp { server { listen 0.0.0.0:8443 ssl; } }');
    expect(filled.userLineOf(4)).toBe(4);
    const proxied = template(`${whole.text}\n# then\nproxy_pass http://{{upstream}};`);
    expect(() => fillNginxOwnConfig(proxied, nginxOwnConfigFacts(proxied.text), input)).toThrow(
      expect.objectContaining({ code: 'E_LAB_CONFIG', message: expect.stringMatching(/:6:19: \{\{upstream\}\} has no value.*whole nginx\.conf/) }),
    );
  });

  it('fills {{crl}} and {{ocsp_responder}} only when the lab has them', () => {
    const user = template('server { listen {{listen}}; ssl_crl {{crl}}; ssl_ocsp_responder {{ocsp_responder}}; }');
    const facts = nginxOwnConfigFacts(user.text);
    expect(() => fillNginxOwnConfig(user, facts, input)).toThrow(expect.objectContaining({ message: expect.stringContaining('lab.gateway.crl is not true') }));
    expect(() => fillNginxOwnConfig(user, facts, { ...input, crlFile: '/run/crl.pem' })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('the scenario has no lab.ocspResponder') }),
    );
    expect(fillNginxOwnConfig(user, facts, { ...input, crlFile: '/run/crl.pem', ocspResponderUrl: 'http://127.0.0.1:9/' }).text).toContain(
      'ssl_crl /run/crl.pem; ssl_ocsp_responder http://127.0.0.1:9/;',
    );
  });

  it('refuses a lab path nginx would split or misread, since placeholders go in unquoted', () => {
    const user = template(SERVER_BLOCK);
    expect(() => fillNginxOwnConfig(user, nginxOwnConfigFacts(user.text), { ...input, trustBundleFile: '/run/my dir/bundle.pem' })).toThrow(
      expect.objectContaining({ code: 'E_LAB_NGINX_CONFIG', message: expect.stringContaining('{{client_ca}}') }),
    );
  });
});

describe('nginxCheckError', () => {
  const user = template(`server {\n    listen {{listen}} ssl;\n    ssl_trusted_certificate /nonexistent.pem;\n    bad directive;\n}\n`);
  const filled = fillNginxOwnConfig(user, nginxOwnConfigFacts(user.text), input);
  const filledLineOf = (text: string) => filled.text.split('\n').findIndex((line) => line.includes(text)) + 1;

  it('quotes nginx\'s [emerg] lines at the user\'s file and line, leaving out the "test failed" noise', () => {
    const output = `nginx: [emerg] unknown directive "bad" in /run/gw/nginx/conf/nginx.conf:${filledLineOf('bad directive')}\nnginx: configuration file /run/gw/nginx/conf/nginx.conf test failed\n`;
    const error = nginxCheckError(output, '/run/gw/nginx/conf/nginx.conf', user, filled);
    expect(error).toMatchObject({ code: 'E_LAB_CONFIG', file: './team-nginx.conf', path: ['lab', 'gateway', 'config'] });
    expect(error.message).toBe('nginx -t refused it: [emerg] unknown directive "bad" in ./team-nginx.conf:4');
  });

  it('finds the line of a file nginx could not load, which nginx itself does not name', () => {
    const output = 'nginx: [emerg] SSL_CTX_load_verify_locations("/nonexistent.pem") failed (SSL: error:80000002:system library::No such file or directory)\n';
    expect(nginxCheckError(output, '/run/gw/nginx/conf/nginx.conf', user, filled).message).toContain(
      'SSL_CTX_load_verify_locations("/nonexistent.pem") failed (SSL: error:80000002:system library::No such file or directory) (./team-nginx.conf:3)',
    );
  });

  it('quotes the whole output when nginx printed no [emerg] line', () => {
    expect(nginxCheckError('Segmentation fault\n', '/x/nginx.conf', user, filled).message).toBe('nginx -t refused it: Segmentation fault');
  });
});

describe('assertOwnConfigReloadable', () => {
  const user = template(SERVER_BLOCK);
  const facts = nginxOwnConfigFacts(user.text);

  it('lets certificates, keys and bundles through: the lab rewrites the files the placeholders name', () => {
    expect(() => assertOwnConfigReloadable('gateway-nginx', user, facts, { certificateChainPem: 'x', keyPem: 'y', trustBundlePem: 'z' })).not.toThrow();
  });

  it('refuses what the team\'s config decides: a TLS policy, a CRL it never reads', () => {
    expect(() => assertOwnConfigReloadable('gateway-nginx', user, facts, { tlsPolicy: {} })).toThrow(expect.objectContaining({ code: 'E_LAB_CONFIG' }));
    expect(() => assertOwnConfigReloadable('gateway-nginx', user, facts, { crlPem: 'x' })).toThrow(
      expect.objectContaining({ code: 'E_LAB_CONFIG', hint: expect.stringContaining('ssl_crl {{crl}};') }),
    );
    const withCrl = template(SERVER_BLOCK.replace('ssl_verify_client on;', 'ssl_verify_client on;\n    ssl_crl {{crl}};'));
    expect(() => assertOwnConfigReloadable('gateway-nginx', withCrl, nginxOwnConfigFacts(withCrl.text), { crlPem: 'x' })).not.toThrow();
  });
});
