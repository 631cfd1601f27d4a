import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertHaproxyAcceptsOwnConfig } from '../../src/lab/components/haproxy-config-check.js';
import { fillHaproxyOwnConfig } from '../../src/lab/components/haproxy-own-config.js';
import { findHaproxy } from '../../src/lab/index.js';
import { readGatewayConfigTemplate } from '../../src/lab/own-config/gateway-config-template.js';
import type { OneShotProgramSpec } from '../../src/lab/runtime.js';
import { issueCrl } from '../../src/pki/index.js';
import { probe } from '../../src/load/index.js';
import { attempt } from '../support/gateway-client.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';
import { ownConfigLab as ownGatewayConfigLab, type OwnConfigLab } from '../support/own-config-lab.js';
import { isAlive, processesUnder } from '../support/processes.js';

let creds: GatewayTestPki;
beforeAll(async () => {
  findHaproxy();
  creds = await buildGatewayTestPki();
});

/** A production-style haproxy 2.6 frontend and backend, as a team would keep them in their repo. */
const PRODUCTION_SECTIONS = `# team-gateway.cfg: our edge, placeholders where the lab fills in its own
frontend fe
    bind {{listen}} ssl crt {{server_pem}} ca-file {{client_ca}} verify required crl-file {{crl}} ssl-min-ver TLSv1.2
    http-request set-header X-SSL-Client-Verify %[ssl_c_verify]
    http-request set-header X-SSL-Client-DN %[ssl_c_s_dn]
    default_backend app

backend app
    server app1 {{upstream}}
`;

/** The lab of test/support/own-config-lab.ts for haproxy, the lab's CRL filling {{crl}} unless `crl: false`. */
async function ownConfigLab(configText: string, options: { crl?: boolean } = {}): Promise<OwnConfigLab> {
  const lab = await ownGatewayConfigLab('haproxy', creds.pki, configText);
  return { ...lab, start: () => lab.start({ crl: options.crl !== false }) };
}

describe('haproxy gateway with a team\'s own config (lab.gateway.config)', () => {
  it('runs production-style sections with the lab\'s global, defaults and echo upstream, and a CRL reload revokes a client', async () => {
    const lab = await ownConfigLab(PRODUCTION_SECTIONS);
    const gateway = await lab.start();

    const ok = await attempt(gateway, creds.good);
    expect(ok).toMatchObject({ status: 200, replica: 'gateway-haproxy' });
    // It went through the team's frontend (their headers) to the lab's echo upstream.
    const echoed = JSON.parse(ok.body!) as { upstream: string; headers: string };
    expect(echoed.upstream).toBe('mtls-chaos echo');
    expect(echoed.headers).toMatch(/x-ssl-client-verify: 0\r\n/i);
    expect(echoed.headers).toMatch(/x-ssl-client-dn: \/O=mtls-chaos lab\/CN=client-1\r\n/i);

    // verify required: the team's refusals are TLS alerts, classified by the client as they come.
    expect(await attempt(gateway, creds.revokedAtStart)).toMatchObject({ error: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED' });
    expect(await attempt(gateway, creds.foreign)).toMatchObject({ error: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' });
    expect((await attempt(gateway, creds.revokedLater)).status).toBe(200);

    creds.pki.intermediate.revoke(creds.revokedLater.certificate.serialNumber, 'keyCompromise');
    try {
      await gateway.reload({ crlPem: issueCrl(creds.pki.intermediate).pem + issueCrl(creds.pki.root).pem });
      expect(await attempt(gateway, creds.revokedLater)).toMatchObject({ error: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED' });
      expect((await attempt(gateway, creds.good)).status).toBe(200);
    } finally {
      creds.pki.intermediate.unrevoke(creds.revokedLater.certificate.serialNumber);
    }

    // What the config decides, a fault cannot change: refused, saying so, and the gateway keeps serving.
    await expect(gateway.reload({ tlsPolicy: { minVersion: 'TLSv1.3' } })).rejects.toMatchObject({
      code: 'E_LAB_CONFIG',
      message: expect.stringContaining('TLS policy of your own config'),
    });
    expect((await attempt(gateway, creds.good)).status).toBe(200);

    const pids = gateway.pids();
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await gateway.stop();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });

  it('runs a whole file (TLS 1.2 only) with `pidfile {{pid_file}}` and `daemon` in the foreground, and refuses a CRL reload it never reads', async () => {
    const lab = await ownConfigLab(
      [
        'global',
        '    daemon',
        '    pidfile {{pid_file}}',
        '    stats socket {{prefix}}/admin.sock mode 600 level admin',
        'defaults',
        '    mode http',
        '    timeout client 5s',
        '    timeout connect 5s',
        '    timeout server 5s',
        'frontend fe',
        // TLS 1.2 only: readiness must take the handshake_failure alert a certificate-less probe gets as an answer.
        '    bind {{address}}:{{port}} ssl crt {{server_certificate}} ca-file {{client_ca}} verify required ssl-max-ver TLSv1.2',
        '    http-request return status 200 content-type text/plain string "whole file {{replica}}"',
        '',
      ].join('\n'),
      { crl: false },
    );
    const gateway = await lab.start();
    const ok = await attempt(gateway, creds.good);
    expect(ok).toMatchObject({ status: 200, body: 'whole file gateway-haproxy' });
    await expect(gateway.reload({ crlPem: issueCrl(creds.pki.intermediate).pem })).rejects.toMatchObject({
      code: 'E_LAB_CONFIG',
      message: expect.stringContaining('{{crl}}'),
    });
    // The trust bundle it does read: a reload to a foreign CA refuses the lab's clients.
    await gateway.reload({ trustBundlePem: creds.foreignPki.root.certificate.pem });
    // The load generator's own classification of the TLS 1.2 alert (node:https would only say EPROTO).
    const refused = await probe(`https://127.0.0.1:${gateway.port}/`, {
      certPem: creds.good.chainPem,
      keyPem: creds.good.keyPem,
      caPem: gateway.caPem,
      servername: gateway.servername,
      timeoutMs: 5_000,
    });
    expect(refused.category).toBe('unknown_ca');
  });

  const failures: { name: string; text: string; message: RegExp }[] = [
    {
      name: 'a syntax error, quoted from haproxy at the user\'s line',
      text: PRODUCTION_SECTIONS.replace('default_backend app', 'default_backend app\n    bogus-keyword on'),
      message: /team-gateway\.cfg:7\] : unknown keyword 'bogus-keyword' in 'frontend' section/,
    },
    {
      name: 'a config that never listens on the lab\'s port',
      text: PRODUCTION_SECTIONS.replace('{{listen}}', '127.0.0.1:8443'),
      message: /team-gateway\.cfg: never listens on the lab's port/,
    },
    {
      name: 'a missing file, quoted from haproxy at the user\'s line',
      text: PRODUCTION_SECTIONS.replace('{{client_ca}}', '/nonexistent.pem'),
      message: /team-gateway\.cfg:3\] : 'bind 127\.0\.0\.1:\d+' in section 'frontend' : 'ca-file' : unable to load \/nonexistent\.pem/,
    },
  ];
  for (const failure of failures) {
    it(`refuses ${failure.name} with E_LAB_CONFIG, leaving nothing running`, async () => {
      const lab = await ownConfigLab(failure.text);
      const error = await lab.start().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: 'E_LAB_CONFIG', message: expect.stringMatching(failure.message), hint: expect.any(String) });
      expect((error as Error).message).toContain(lab.configFile);
      expect(processesUnder(lab.workDir, 'haproxy')).toEqual([]);
    });
  }

  it('checks through runtime.runOnce with the haproxy image when a runtime runs the gateway (docker), mapping lines the same way', async () => {
    const lab = await ownConfigLab(PRODUCTION_SECTIONS.replace('default_backend app', 'default_backend app\n    bogus-keyword on'));
    const template = await readGatewayConfigTemplate(lab.configFile);
    const configFile = join(lab.workDir, 'haproxy.cfg');
    const pki = dirname(lab.files.trustBundle);
    const filled = fillHaproxyOwnConfig(template, {
      listenAddress: '0.0.0.0',
      port: 8443,
      echoPort: 18080,
      replicaName: 'gateway-haproxy',
      files: { serverPem: join(pki, 'none.pem'), serverCertificate: join(pki, 'none.crt'), serverKey: join(pki, 'none.crt.key'), clientCa: lab.files.trustBundle, crl: lab.crlFile },
      prefix: lab.workDir,
    });
    await writeFile(configFile, filled.text);
    // Stands in for the docker runtime's runOnce: the same command, run by the local haproxy.
    const ran: OneShotProgramSpec[] = [];
    const runtime = {
      runOnce: (spec: OneShotProgramSpec) => {
        ran.push(spec);
        return new Promise<{ exitCode: number; output: string }>((resolve) =>
          execFile(findHaproxy(), spec.command.slice(1), (error, stdout, stderr) => resolve({ exitCode: typeof error?.code === 'number' ? error.code : 0, output: stdout + stderr })),
        );
      },
    };
    const check = assertHaproxyAcceptsOwnConfig({ configFile, binary: '/nonexistent/haproxy', runtime, name: 'gateway-haproxy', dir: lab.workDir, signal: AbortSignal.timeout(30_000) }, template, filled);
    await expect(check).rejects.toMatchObject({ code: 'E_LAB_CONFIG', message: expect.stringMatching(/team-gateway\.cfg:7\] : unknown keyword 'bogus-keyword'/) });
    expect(ran).toMatchObject([{ image: 'haproxy', command: ['haproxy', '-c', '-f', configFile], dir: lab.workDir }]);
  });
});
