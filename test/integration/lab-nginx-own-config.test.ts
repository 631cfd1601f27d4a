import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StartedGateway } from '../../src/lab/index.js';
import { issueCrl, normaliseSerial, type Credential } from '../../src/pki/index.js';
import { attempt } from '../support/gateway-client.js';
import { buildGatewayTestPki, type GatewayTestPki } from '../support/gateway-test-pki.js';
import { ownConfigLab as ownGatewayConfigLab, PRODUCTION_STYLE_SERVER_BLOCK, type OwnConfigLab } from '../support/own-config-lab.js';
import { processesUnder } from '../support/processes.js';

let creds: GatewayTestPki;
beforeAll(async () => {
  creds = await buildGatewayTestPki();
});

const ownConfigLab = (text: string) => ownGatewayConfigLab('nginx', creds.pki, text);

/** The serial of the certificate the gateway presents. */
function servedSerial(gateway: StartedGateway, client: Credential): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: gateway.host, port: gateway.port, servername: gateway.servername, ca: gateway.caPem, cert: client.chainPem, key: client.keyPem },
      () => {
        resolve(normaliseSerial(socket.getPeerCertificate().serialNumber));
        socket.destroy();
      },
    );
    socket.once('error', reject);
  });
}

/** Runs `start` expecting E_LAB_CONFIG; also checks that no nginx of this lab outlived the failure. */
async function refusal(lab: OwnConfigLab): Promise<{ code: string; message: string }> {
  // nginx -t never asks the responder: any URL fills {{ocsp_responder}}.
  const error = (await lab.start({ ocspResponderUrl: 'http://127.0.0.1:9/' }).then(
    () => undefined,
    (failure: unknown) => failure,
  )) as { code: string; message: string } | undefined;
  expect(error, 'the gateway started').toBeDefined();
  expect(processesUnder(lab.gatewayDir)).toEqual([]);
  return error!;
}

describe('nginx gateway running a team\'s own config (lab.gateway.config)', () => {
  it('runs production-style server blocks: mTLS with ssl_ocsp against the lab responder, proxied to the echo upstream, reloaded with a new certificate', async () => {
    const lab = await ownConfigLab(PRODUCTION_STYLE_SERVER_BLOCK);
    const responder = await lab.startResponder();
    const gateway = await lab.start({ ocspResponderUrl: responder.labUrl });

    const ok = await attempt(gateway, creds.good);
    expect(ok).toMatchObject({ status: 200, replica: 'gateway-nginx' });
    // The answer comes from the echo upstream, with what the team's proxy_set_header passed on.
    const echoed = JSON.parse(ok.body!) as { upstream: string; forwarded: Record<string, string> };
    expect(echoed.upstream).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(echoed.forwarded).toMatchObject({ 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-s-dn': 'CN=client-1,O=mtls-chaos lab' });

    // The team's ssl_ocsp asked the lab's responder; the reason is read from the wrapper's info log.
    let since = Date.now();
    expect((await attempt(gateway, creds.revokedAtStart)).status).toBe(400);
    expect(await gateway.rejectionReasonSince!(since)).toBe('cert_revoked');
    since = Date.now();
    expect((await attempt(gateway, creds.foreign)).status).toBe(400);
    expect(await gateway.rejectionReasonSince!(since)).toBe('unknown_ca');

    // A fault's reload rewrites the files {{server_certificate}} and {{server_key}} name.
    const renewed = creds.pki.intermediate.issueServer({ subject: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    expect(await servedSerial(gateway, creds.good)).not.toBe(renewed.certificate.serialNumber);
    await gateway.reload({ certificateChainPem: renewed.chainPem, keyPem: renewed.keyPem });
    expect(await servedSerial(gateway, creds.good)).toBe(renewed.certificate.serialNumber);
    expect((await attempt(gateway, creds.good)).status).toBe(200);

    // What the team's config decides, a fault cannot change: refused before anything is written.
    await expect(gateway.reload({ tlsPolicy: { minVersion: 'TLSv1.3' } })).rejects.toMatchObject({ code: 'E_LAB_CONFIG' });
    await expect(gateway.reload({ crlPem: issueCrl(creds.pki.intermediate).pem })).rejects.toMatchObject({
      code: 'E_LAB_CONFIG',
      message: expect.stringContaining('{{crl}}'),
    });
    expect((await attempt(gateway, creds.good)).status).toBe(200);

    const pids = gateway.pids();
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await gateway.stop();
    expect(processesUnder(lab.gatewayDir)).toEqual([]);
  });

  it('runs a whole nginx.conf that puts its pid and error log where the lab says, {{server_pem}} and {{crl}} rewritten by faults', async () => {
    const lab = await ownConfigLab(`pid {{pid_file}};
error_log {{error_log}} info;
events { worker_connections 64; }
http {
    client_body_temp_path {{prefix}}/temp/body;
    proxy_temp_path {{prefix}}/temp/proxy;
    server {
        listen {{address}}:{{port}} ssl;
        # One PEM with chain and key (haproxy's crt format) serves both directives.
        ssl_certificate {{server_pem}};
        ssl_certificate_key {{server_pem}};
        ssl_client_certificate {{client_ca}};
        ssl_verify_client on;
        ssl_crl {{crl}};
        location / { return 200 "whole file\\n"; }
    }
}
`);
    const gateway = await lab.start({ crl: true });
    expect(await attempt(gateway, creds.good)).toMatchObject({ status: 200, body: 'whole file\n' });
    const since = Date.now();
    expect((await attempt(gateway, creds.revokedAtStart)).status).toBe(400);
    expect(await gateway.rejectionReasonSince!(since)).toBe('cert_revoked');

    const later = creds.pki.intermediate.issueClient({ subject: 'revoked-during-the-test' });
    expect((await attempt(gateway, later)).status).toBe(200);
    creds.pki.intermediate.revoke(later.certificate.serialNumber, 'keyCompromise');
    await gateway.reload({ crlPem: issueCrl(creds.pki.intermediate).pem + issueCrl(creds.pki.root).pem });
    expect((await attempt(gateway, later)).status).toBe(400);

    // The key is in {{server_pem}}: private to the run, and rewritten with a new certificate.
    expect((await stat(join(lab.gatewayDir, 'nginx', 'conf', 'server.pem'))).mode & 0o777).toBe(0o600);
    const renewed = creds.pki.intermediate.issueServer({ subject: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    await gateway.reload({ certificateChainPem: renewed.chainPem, keyPem: renewed.keyPem });
    expect(await servedSerial(gateway, creds.good)).toBe(renewed.certificate.serialNumber);
    expect((await stat(join(lab.gatewayDir, 'nginx', 'conf', 'server.pem'))).mode & 0o777).toBe(0o600);
  });

  it('reports a syntax error with nginx\'s own words at the team\'s file and line, and starts nothing', async () => {
    const lab = await ownConfigLab(PRODUCTION_STYLE_SERVER_BLOCK.replace('ssl_verify_depth 2;', 'ssl_verify_depth 2'));
    const error = await refusal(lab);
    expect(error.code).toBe('E_LAB_CONFIG');
    // The missing ; joins line 9 with line 10: nginx stops at line 10 of the team's file.
    expect(error.message).toContain('[emerg] invalid number of arguments in "ssl_verify_depth" directive');
    expect(error.message).toContain(`${lab.configFile}:10`);
    expect(error.message).not.toContain('conf/nginx.conf'); // the filled file, which the team never wrote
  });

  it('refuses a config that never listens on the lab\'s port, naming its own listen line', async () => {
    const lab = await ownConfigLab(PRODUCTION_STYLE_SERVER_BLOCK.replace('listen {{listen}} ssl;', 'listen 8443 ssl;'));
    const error = await refusal(lab);
    expect(error.code).toBe('E_LAB_CONFIG');
    expect(error.message).toContain("never listens on the lab's port");
    expect(error.message).toContain(`${lab.configFile}:3: listen 8443 ssl`);
  });

  it('reports a file the config names that does not exist, with nginx\'s message and the line naming it', async () => {
    const lab = await ownConfigLab(PRODUCTION_STYLE_SERVER_BLOCK.replace('ssl_verify_depth 2;', 'ssl_verify_depth 2;\n    ssl_trusted_certificate /nonexistent.pem;'));
    const error = await refusal(lab);
    expect(error.code).toBe('E_LAB_CONFIG');
    expect(error.message).toContain('SSL_CTX_load_verify_locations("/nonexistent.pem") failed');
    expect(error.message).toContain(`${lab.configFile}:10`);
  });
});
