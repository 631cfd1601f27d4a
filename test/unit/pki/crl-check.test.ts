import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslIndex } from '../../../src/lab/index.js';
import { authorityKeyIdOf, CertificateAuthority, checkCrl, crlDistributionPointsOf, fromPem, issueCrl, type Credential } from '../../../src/pki/index.js';

const run = promisify(execFile);
let dir: string;
let issuing: CertificateAuthority;
let revoked: Credential;
let kept: Credential;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-crl-check-'));
  issuing = CertificateAuthority.createRoot({ subject: 'CRL Root' }).issueIntermediate({ subject: 'CRL Issuing', pathLength: 0 });
  revoked = issuing.issueClient({ subject: 'revoked', crlUrl: 'http://127.0.0.1:8080/issuing.crl' });
  kept = issuing.issueClient({ subject: 'kept' });
  issuing.revoke(revoked.certificate.serialNumber, 'keyCompromise');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('checkCrl', () => {
  it('reads a CRL made by `openssl ca -gencrl`: listed, not listed, and not from another issuer', async () => {
    await writeFile(join(dir, 'index.txt'), opensslIndex([
      { serialNumber: revoked.certificate.serialNumber, notAfter: revoked.certificate.notAfter, subject: revoked.certificate.subject, revocation: { revokedAt: new Date(), reason: 'keyCompromise' } },
    ]));
    await writeFile(join(dir, 'crlnumber'), '01\n');
    await writeFile(join(dir, 'ca.cnf'), `[ca]\ndefault_ca = d\n[d]\ndatabase = ${dir}/index.txt\ncrlnumber = ${dir}/crlnumber\ndefault_md = sha256\ndefault_crl_days = 1\n`);
    await writeFile(join(dir, 'ca.pem'), issuing.certificate.pem);
    await writeFile(join(dir, 'ca.key'), issuing.key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    await run('openssl', ['ca', '-batch', '-gencrl', '-config', join(dir, 'ca.cnf'), '-cert', join(dir, 'ca.pem'), '-keyfile', join(dir, 'ca.key'), '-out', join(dir, 'crl.pem')]);
    const der = fromPem('X509 CRL', await readFile(join(dir, 'crl.pem'), 'utf8'));
    expect(checkCrl(der, revoked.certificate, issuing.certificate)).toMatchObject({ kind: 'listed' });
    expect(checkCrl(der, kept.certificate, issuing.certificate)).toMatchObject({ kind: 'not-listed' });
    const other = CertificateAuthority.createRoot({ subject: 'CRL Root' });
    expect(checkCrl(der, revoked.certificate, other.certificate)).toEqual({ kind: 'unusable', detail: 'the CRL was issued by another CA than the certificate' });
  });

  it('does not believe a stale CRL that omits the certificate, but a stale one that lists it still counts', () => {
    const past = new Date(Date.now() - 3 * 86_400_000);
    const stale = issueCrl(issuing, { thisUpdate: past, nextUpdate: new Date(past.getTime() + 86_400_000) });
    expect(checkCrl(stale.der, kept.certificate, issuing.certificate)).toMatchObject({ kind: 'unusable', detail: expect.stringContaining('stale') });
    expect(checkCrl(issueCrl(issuing).der, revoked.certificate, issuing.certificate)).toMatchObject({ kind: 'listed' });
  });
});

describe('reading a certificate\'s extensions', () => {
  it('finds the CRL distribution point and the authority key identifier (the issuer\'s SHA-1 key id)', () => {
    expect(crlDistributionPointsOf(revoked.certificate)).toEqual(['http://127.0.0.1:8080/issuing.crl']);
    expect(crlDistributionPointsOf(kept.certificate)).toEqual([]);
    expect(authorityKeyIdOf(revoked.certificate)).toEqual(issuing.certificate.subjectKeyId);
  });
});
