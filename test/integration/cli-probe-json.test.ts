import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLabPki, writeLabPki, type LabPkiFiles } from '../../src/pki/index.js';
import { startNginxTestGateway, type NginxTestGateway } from '../support/nginx-test-gateway.js';
import { runCli } from '../support/run-cli.js';

const DAY_MS = 86_400_000;
let workDir: string;
let files: LabPkiFiles;
let expiredFiles: LabPkiFiles;
let nginx: NginxTestGateway;

beforeAll(async () => {
  const pki = await buildLabPki({ clients: 1 });
  nginx = await startNginxTestGateway(pki);
  ({ workDir, files } = nginx);
  // The same lab, but its client certificate expired yesterday.
  const expired = pki.intermediate.issueClient({ subject: 'client-1', notBefore: new Date(Date.now() - 2 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
  expiredFiles = await writeLabPki({ ...pki, clients: [expired] }, join(workDir, 'expired'));
});
afterAll(async () => {
  await nginx?.stop();
});

const credentialFlags = (lab: LabPkiFiles) => ['--cert', lab.clients[0]!.certificate, '--key', lab.clients[0]!.key, '--ca', lab.trustBundle];

describe('mtls-chaos probe', () => {
  it('prints exactly one JSON object for a good certificate and exits 0', async () => {
    const result = await runCli(['probe', nginx.url, ...credentialFlags(files), '--json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const probe = JSON.parse(result.stdout);
    expect(probe).toMatchObject({ category: 'ok', httpStatus: 200, tlsVersion: 'TLSv1.3', resumed: false });
    for (const timing of ['tcpConnectMs', 'tlsHandshakeMs', 'firstByteMs', 'totalMs']) expect(probe.timings[timing]).toBeGreaterThan(0);
    expect(probe.serverCertificate.subject).toContain('CN=server-1');
    expect(probe.serverCertificate.daysUntilExpiry).toBeGreaterThanOrEqual(88);
  });

  it('classifies an expired client certificate that nginx answers with a bare 400, and exits 1', async () => {
    const result = await runCli(['probe', nginx.url, ...credentialFlags(expiredFiles), '--json']);
    expect(result.exitCode).toBe(1);
    const probe = JSON.parse(result.stdout);
    expect(probe).toMatchObject({ category: 'cert_expired', httpStatus: 400, rawCode: 'HTTP_400_SSL_CERTIFICATE_ERROR' });
    expect(probe.diagnosis).toContain('expired');
  });

  it('prints a readable verdict without --json', async () => {
    const result = await runCli(['probe', nginx.url, ...credentialFlags(expiredFiles)]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('FAILED: cert_expired');
    expect(result.stdout).toMatch(/tls handshake\s+\d+\.\d+ ms/);
    expect(result.stdout).toContain('diagnosis');
  });

  it('says certificate_required when no client certificate is given', async () => {
    const result = await runCli(['probe', nginx.url, '--ca', files.trustBundle, '--json']);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ category: 'certificate_required', httpStatus: 400 });
  });

  it('exits 2 with E_CLI_FILE naming an unreadable file', async () => {
    const missing = join(workDir, 'nope.pem');
    const result = await runCli(['probe', nginx.url, '--cert', missing, '--key', files.clients[0]!.key, '--ca', files.trustBundle]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error[E_CLI_FILE]');
    expect(result.stderr).toContain(missing);
    expect(result.stdout).toBe('');
  });

  it('exits 2 with E_URL for a URL that is not https', async () => {
    const result = await runCli(['probe', `http://127.0.0.1:${nginx.port}/`, ...credentialFlags(files)]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error[E_URL]');
  });
});
