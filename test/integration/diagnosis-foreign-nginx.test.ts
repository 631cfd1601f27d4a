import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOcspResponder, type StartedOcspResponder } from '../../src/lab/index.js';
import { probe, type ProbeResult } from '../../src/load/index.js';
import { CertificateAuthority, issueCrl, normaliseSerial, type Credential } from '../../src/pki/index.js';
import { startForeignGateway, type ForeignGateway } from '../support/foreign-gateway.js';
import { runCli } from '../support/run-cli.js';

/**
 * `probe` and `load` against an nginx the project did not configure: a config written here (not
 * the lab's nginx-config.ts), leaf-only client files (the lab sends the chain), a client CA
 * bundle of intermediate + root (the lab trusts the root only), `ssl_ocsp leaf` hard-fail with a
 * fixed `ssl_ocsp_responder`, a second server block with CRL-only revocation, and no reason
 * hook: nginx answers 400 "The SSL certificate error" for every refusal and only its own log
 * knows why. Every category asserted here must come from evidence the client holds.
 */
const DAY_MS = 86_400_000;
const run = promisify(execFile);

let dir: string;
let responder: StartedOcspResponder;
let nginx: ForeignGateway;
let crlServer: Server;
const files: Record<string, string> = {};

/** The files a user has: a leaf-only certificate and its key, each in its own file. */
async function writeClient(name: string, credential: Credential): Promise<void> {
  files[`${name}.crt`] = join(dir, `${name}.crt`);
  files[`${name}.key`] = join(dir, `${name}.key`);
  await writeFile(files[`${name}.crt`]!, credential.certificate.pem);
  await writeFile(files[`${name}.key`]!, credential.keyPem, { mode: 0o600 });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-foreign-nginx-'));
  const root = CertificateAuthority.createRoot({ subject: 'Acme Root' });
  const issuing = root.issueIntermediate({ subject: 'Acme Issuing CA', pathLength: 0 });
  await writeFile(join(dir, 'issuing.pem'), issuing.certificate.pem);
  await writeFile(join(dir, 'issuing.key'), issuing.key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  responder = await startOcspResponder({
    name: 'acme-ocsp',
    dir,
    signal: AbortSignal.timeout(20_000),
    issuer: issuing,
    issuerCertificateFile: join(dir, 'issuing.pem'),
    issuerKeyFile: join(dir, 'issuing.key'),
  });
  // The CRL distribution point of the CRL-only server block: a plain HTTP server, as a CA runs.
  crlServer = createServer((_request, response) => response.end(issueCrl(issuing).der));
  await new Promise<void>((resolve) => crlServer.listen(0, '127.0.0.1', resolve));
  const crlUrl = `http://127.0.0.1:${(crlServer.address() as { port: number }).port}/acme-issuing.crl`;

  const ocspUrl = responder.url;
  const clients = {
    good: issuing.issueClient({ subject: 'good', ocspUrl }),
    expired: issuing.issueClient({ subject: 'expired', ocspUrl, notBefore: new Date(Date.now() - 2 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) }),
    revoked: issuing.issueClient({ subject: 'revoked', ocspUrl }),
    crlRevoked: issuing.issueClient({ subject: 'crl-revoked', ocspUrl: null, crlUrl }),
    stranger: CertificateAuthority.createRoot({ subject: 'Stranger Root' }).issueClient({ subject: 'stranger' }),
  };
  issuing.revoke(clients.crlRevoked.certificate.serialNumber, 'keyCompromise');
  await responder.registerIssued([clients.good, clients.expired, clients.revoked].map((client) => client.certificate.serialNumber));
  await responder.revoke(clients.revoked.certificate.serialNumber, 'keyCompromise');
  for (const [name, credential] of Object.entries(clients)) await writeClient(name, credential);

  // A client made by openssl, the way many teams do it: no AIA, no CRL distribution point.
  await run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=openssl-made', '-keyout', join(dir, 'openssl-made.key'), '-out', join(dir, 'openssl-made.csr')]);
  await writeFile(join(dir, 'client.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n');
  await run('openssl', ['x509', '-req', '-in', join(dir, 'openssl-made.csr'), '-CA', join(dir, 'issuing.pem'), '-CAkey', join(dir, 'issuing.key'), '-set_serial', '0x5eed01', '-days', '2', '-extfile', join(dir, 'client.ext'), '-out', join(dir, 'openssl-made.crt')]);
  files['openssl-made.crt'] = join(dir, 'openssl-made.crt');
  files['openssl-made.key'] = join(dir, 'openssl-made.key');
  const opensslSerial = normaliseSerial(new X509Certificate(await readFile(files['openssl-made.crt']!)).serialNumber);
  await responder.registerIssued([opensslSerial]);
  await responder.revoke(opensslSerial, 'keyCompromise');

  const server = issuing.issueServer({ subject: 'gateway', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  await writeFile(join(dir, 'server.crt'), server.chainPem);
  await writeFile(join(dir, 'server.key'), server.keyPem, { mode: 0o600 });
  // What the user verifies the server with (the root), and what nginx trusts for clients.
  files.ca = join(dir, 'ca.pem');
  files.clientCa = join(dir, 'client-ca.pem');
  await writeFile(files.ca, root.certificate.pem);
  await writeFile(files.clientCa, issuing.certificate.pem + root.certificate.pem);
  // ssl_crl checks the whole path (CRL_CHECK_ALL): the root's CRL too.
  await writeFile(join(dir, 'crls.pem'), issueCrl(issuing).pem + issueCrl(root).pem);

  nginx = await startForeignGateway('nginx', dir, 2, ([ocspPort, crlPort]) => {
    const common = [
      `        ssl_certificate ${dir}/server.crt;`,
      `        ssl_certificate_key ${dir}/server.key;`,
      `        ssl_client_certificate ${dir}/client-ca.pem;`,
      '        ssl_verify_client on;',
      '        ssl_verify_depth 2;',
      "        location / { return 200 'hello'; }",
    ];
    return [
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      'events { worker_connections 256; }',
      'http {',
      '    access_log off;',
      `    client_body_temp_path ${dir}/temp/body;`,
      `    proxy_temp_path ${dir}/temp/proxy;`,
      `    fastcgi_temp_path ${dir}/temp/fastcgi;`,
      `    uwsgi_temp_path ${dir}/temp/uwsgi;`,
      `    scgi_temp_path ${dir}/temp/scgi;`,
      '    server {',
      `        listen 127.0.0.1:${ocspPort} ssl;`,
      ...common,
      // Hard-fail, no cache: every handshake asks the responder (ngx_http_ssl_module ssl_ocsp).
      '        ssl_ocsp leaf;',
      `        ssl_ocsp_responder ${responder.url};`,
      '    }',
      '    server {',
      `        listen 127.0.0.1:${crlPort} ssl;`,
      ...common,
      `        ssl_crl ${dir}/crls.pem;`,
      '    }',
      '}',
      '',
    ].join('\n');
  });
}, 60_000);

afterAll(async () => {
  await nginx?.stop();
  await responder?.stop();
  await new Promise((resolve) => (crlServer ? crlServer.close(resolve) : resolve(undefined)));
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface ProbeJson {
  readonly category: string;
  readonly httpStatus?: number;
  readonly diagnosis?: string;
}

/** The real CLI (a child process: ~3 s of CPU for tsx alone, so only where the CLI's own wiring is the point). */
async function probeCli(port: number, client: string, extra: readonly string[] = []): Promise<ProbeJson> {
  const result = await runCli(['probe', `https://127.0.0.1:${port}/`, '--cert', files[`${client}.crt`]!, '--key', files[`${client}.key`]!, '--ca', files.ca!, '--json', ...extra]);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as ProbeJson;
}

/** What `probe` runs, in process, with the options the CLI builds from --ca and --client-ca (and the default --revocation-fetch loopback). */
async function probeHere(port: number, client: string, options: { clientCa?: boolean } = {}): Promise<ProbeResult> {
  return probe(`https://127.0.0.1:${port}/`, {
    certPem: await readFile(files[`${client}.crt`]!, 'utf8'),
    keyPem: await readFile(files[`${client}.key`]!, 'utf8'),
    caPem: await readFile(files.ca!, 'utf8'),
    ...(options.clientCa ? { clientCaPem: await readFile(files.clientCa!, 'utf8') } : {}),
  });
}

describe('probe and load against an nginx configured outside the project', () => {
  it('name a refusal only on evidence the client holds, else bad_certificate with what was checked', async () => {
    const ocspPort = nginx.ports[0]!;
    const crlPort = nginx.ports[1]!;
    const [good, expired, revoked, revokedNoAia, strangerWithClientCa, strangerWithout, crlRevoked] = await Promise.all([
      probeHere(ocspPort, 'good'),
      probeHere(ocspPort, 'expired'),
      probeCli(ocspPort, 'revoked', ['--client-ca', files.clientCa!]),
      probeHere(ocspPort, 'openssl-made'),
      probeHere(ocspPort, 'stranger', { clientCa: true }),
      probeCli(ocspPort, 'stranger'),
      probeHere(crlPort, 'crlRevoked', { clientCa: true }),
    ]);
    expect(good.category).toBe('ok');
    // Dates: the leaf's own notAfter is evidence whatever else is known.
    expect(expired).toMatchObject({ category: 'cert_expired', httpStatus: 400, diagnosis: expect.stringContaining('expired at') });
    // An OCSP answer the client fetched itself from the leaf's AIA, checked against the issuer from --client-ca.
    expect(revoked).toMatchObject({ category: 'cert_revoked', diagnosis: expect.stringContaining(`OCSP responder ${responder.url} answers revoked (keyCompromise)`) });
    // Revoked too, but an openssl-made leaf without AIA or CRL DP and no --client-ca: no evidence, no claim.
    expect(revokedNoAia.category).toBe('bad_certificate');
    expect(revokedNoAia.diagnosis).toContain('refused, the gateway gave no reason; checked: the dates of the client certificate (valid now)');
    expect(revokedNoAia.diagnosis).toContain('not checked: the path (the issuer CN=Acme Issuing CA');
    expect(revokedNoAia.diagnosis).toContain('revocation (the certificate names no OCSP responder and no CRL distribution point)');
    // A truly untrusted issuer is unknown_ca only against the bundle the user says the gateway trusts;
    // --ca (which verifies the server) is not taken for it.
    expect(strangerWithClientCa.category).toBe('unknown_ca');
    expect(strangerWithout.category).toBe('bad_certificate');
    expect(strangerWithout.diagnosis).toContain('not checked: the path (the issuer CN=Stranger Root');
    // CRL-only revocation: the client read the leaf's own CRL distribution point.
    expect(crlRevoked).toMatchObject({ category: 'cert_revoked', diagnosis: expect.stringMatching(/CRL http:\/\/127\.0\.0\.1:\d+\/acme-issuing\.crl lists it as revoked/) });
  }, 90_000);

  it('during an OCSP-responder outage behind ssl_ocsp leaf, say bad_certificate with the silent responder, never unknown_ca', async () => {
    await responder.stop();
    const ocspPort = nginx.ports[0]!;
    const json = join(dir, 'load.json');
    const [probed, loaded] = await Promise.all([
      probeHere(ocspPort, 'good'),
      runCli(['load', `https://127.0.0.1:${ocspPort}/`, '--cert', files['good.crt']!, '--key', files['good.key']!, '--ca', files.ca!, '--concurrency', '2', '--duration', '1s', '--json-out', json]),
    ]);
    expect(probed.category).toBe('bad_certificate');
    expect(probed.diagnosis).toContain(`the certificate's OCSP responder ${responder.url} did not answer (ECONNREFUSED; the gateway may hard-fail on OCSP)`);
    expect(loaded.exitCode).toBe(1);
    const report = JSON.parse(await readFile(json, 'utf8')) as { attempts: number; categories: Record<string, number>; diagnoses: Record<string, number> };
    expect(report.attempts).toBeGreaterThan(0);
    expect(report.categories.bad_certificate).toBe(report.attempts);
    expect(report.categories.unknown_ca).toBe(0);
    expect(Object.keys(report.diagnoses).join('\n')).toContain(`OCSP responder ${responder.url} did not answer`);
    expect(loaded.stdout).toMatch(/diagnosis +\d+x bad_certificate: refused, the gateway gave no reason/);
    // The refusals were nginx's OCSP hard-fail, as its own log says (the client never read it).
    expect(await readFile(join(dir, 'error.log'), 'utf8')).toMatch(/while requesting certificate status/);
  }, 90_000);
});
