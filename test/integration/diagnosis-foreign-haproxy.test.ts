import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/load/index.js';
import { CertificateAuthority, issueCrl, type Credential } from '../../src/pki/index.js';
import { startForeignGateway, type ForeignGateway } from '../support/foreign-gateway.js';
import { runCli } from '../support/run-cli.js';

/**
 * `probe` and `load` against a haproxy the project did not configure: a haproxy.cfg written here
 * (not the lab's haproxy-config.ts: `verify required`, no x-mtls-chaos headers, no 495 rewrite),
 * CRL-only revocation, leaf-only client files whose certificates name no OCSP responder and no
 * CRL distribution point, no --client-ca. haproxy refuses with TLS alerts, and an alert is
 * evidence: its category stands whatever the client could or could not check itself.
 */
const DAY_MS = 86_400_000;
let dir: string;
let haproxy: ForeignGateway;
let caPem: string;
const clients: Record<string, Credential> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-foreign-haproxy-'));
  const root = CertificateAuthority.createRoot({ subject: 'Initech Root' });
  const issuing = root.issueIntermediate({ subject: 'Initech Issuing CA', pathLength: 0 });
  Object.assign(clients, {
    good: issuing.issueClient({ subject: 'good' }),
    expired: issuing.issueClient({ subject: 'expired', notBefore: new Date(Date.now() - 2 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) }),
    notYetValid: issuing.issueClient({ subject: 'not-yet-valid', notBefore: new Date(Date.now() + DAY_MS), notAfter: new Date(Date.now() + 2 * DAY_MS) }),
    revoked: issuing.issueClient({ subject: 'revoked' }),
    stranger: CertificateAuthority.createRoot({ subject: 'Stranger Root' }).issueIntermediate({ subject: 'Stranger Issuing', pathLength: 0 }).issueClient({ subject: 'stranger' }),
  });
  issuing.revoke(clients.revoked!.certificate.serialNumber, 'keyCompromise');
  const server = issuing.issueServer({ subject: 'gateway', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  await writeFile(join(dir, 'server.pem'), server.chainPem + server.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'client-ca.pem'), issuing.certificate.pem + root.certificate.pem);
  // crl-file checks the whole path (X509_V_FLAG_CRL_CHECK_ALL): one CRL per CA.
  await writeFile(join(dir, 'crls.pem'), issueCrl(issuing).pem + issueCrl(root).pem);
  caPem = root.certificate.pem;
  await writeFile(join(dir, 'ca.pem'), caPem);
  for (const [name, credential] of Object.entries(clients)) {
    await writeFile(join(dir, `${name}.crt`), credential.certificate.pem);
    await writeFile(join(dir, `${name}.key`), credential.keyPem, { mode: 0o600 });
  }
  haproxy = await startForeignGateway('haproxy', dir, 1, ([port]) =>
    [
      'global',
      '    maxconn 256',
      'defaults',
      '    mode http',
      '    timeout connect 5s',
      '    timeout client 10s',
      '    timeout server 10s',
      'frontend tls',
      `    bind 127.0.0.1:${port} ssl crt ${dir}/server.pem ca-file ${dir}/client-ca.pem crl-file ${dir}/crls.pem verify required`,
      '    http-request return status 200 content-type text/plain string hello',
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await haproxy?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const url = () => `https://127.0.0.1:${haproxy.ports[0]}/`;

describe('probe and load against a haproxy configured outside the project', () => {
  it('keep the categories haproxy\'s alerts name', async () => {
    const attempt = (name: string) => probe(url(), { certPem: clients[name]!.certificate.pem, keyPem: clients[name]!.keyPem, caPem });
    const results = Object.fromEntries(
      await Promise.all(['good', 'expired', 'notYetValid', 'revoked', 'stranger'].map(async (name) => [name, await attempt(name)] as const)),
    );
    expect(Object.fromEntries(Object.entries(results).map(([name, result]) => [name, [result.category, result.rawCode]]))).toEqual({
      good: ['ok', undefined],
      expired: ['cert_expired', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED'],
      // haproxy says bad_certificate for a future notBefore; the leaf's own dates refine it.
      notYetValid: ['cert_not_yet_valid', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'],
      // Revoked on the CRL: the alert says so, though the client itself could not check it.
      revoked: ['cert_revoked', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED'],
      // The alert is evidence: unknown_ca without any --client-ca.
      stranger: ['unknown_ca', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'],
    });
  }, 60_000);

  it('load reports the revoked client as cert_revoked from the alert', async () => {
    const json = join(dir, 'load.json');
    const result = await runCli(['load', url(), '--cert', join(dir, 'revoked.crt'), '--key', join(dir, 'revoked.key'), '--ca', join(dir, 'ca.pem'), '--concurrency', '2', '--duration', '1s', '--json-out', json]);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(await readFile(json, 'utf8')) as { attempts: number; categories: Record<string, number> };
    expect(report.attempts).toBeGreaterThan(0);
    expect(report.categories.cert_revoked).toBe(report.attempts);
  }, 60_000);
});
