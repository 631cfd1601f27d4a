import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../src/pki/certificate-authority.js';
import { issueCrl } from '../../src/pki/crl.js';
import type { KeyAlgorithm } from '../../src/pki/key-algorithm.js';
import { buildOcspRequest, parseOcspRequest } from '../../src/pki/ocsp-request.js';
import { buildOcspErrorResponse, buildOcspResponse } from '../../src/pki/ocsp-response.js';

/**
 * Our CRLs, OCSP requests and OCSP responses checked by the real OpenSSL 3.0 command line:
 * what nginx and haproxy (both OpenSSL underneath) will make of them.
 */

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together: openssl prints "Response verify OK" to stderr, statuses to stdout. */
  readonly output: string;
}

function openssl(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      const code = error ? Number(error.code) : 0;
      resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

/** OpenSSL prints serials as whole octets: our serials drop leading zeros, so may be one digit short. */
function evenHex(serial: string): string {
  return serial.length % 2 ? `0${serial}` : serial;
}

const ALGORITHMS: readonly KeyAlgorithm[] = ['ecdsa-p256', 'ed25519', 'rsa-2048'];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-chaos-revocation-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string | Buffer): Promise<string> {
  await writeFile(join(dir, name), content);
  return name;
}

describe.each(ALGORITHMS)('revocation data from a %s CA, read by openssl', (algorithm) => {
  const root = CertificateAuthority.createRoot({ subject: 'Revocation Root', algorithm });
  const ca = root.issueIntermediate({ subject: 'Revocation Issuing CA' });
  // An odd number of hex digits once leading zeros go: openssl pads it back to whole octets.
  const revoked = ca.issueClient({ subject: 'revoked client', serialNumber: '0A1B2C3D4E5F60718293' });
  const good = ca.issueClient({ subject: 'good client' });
  const responder = ca.issueOcspResponder({ subject: 'Revocation OCSP responder' });
  ca.revoke(revoked.certificate.serialNumber, 'keyCompromise', new Date(Date.now() - 60_000));

  async function writePki(): Promise<void> {
    await write('root.pem', root.certificate.pem);
    await write('inter.pem', ca.certificate.pem);
    await write('chain.pem', root.certificate.pem + ca.certificate.pem);
    await write('revoked.pem', revoked.certificate.pem);
    await write('good.pem', good.certificate.pem);
  }

  describe('CRL', () => {
    it('parses with `openssl crl`, lists the revoked serial and verifies against the CA', async () => {
      await writePki();
      await write('crl.pem', issueCrl(ca, { crlNumber: 7 }).pem);
      const text = await openssl(['crl', '-in', 'crl.pem', '-noout', '-text'], dir);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('Version 2 (0x1)');
      expect(text.stdout).toContain(`Serial Number: ${evenHex(revoked.certificate.serialNumber)}\n`);
      expect(text.stdout).not.toContain(evenHex(good.certificate.serialNumber));
      expect(text.stdout).toContain('Key Compromise');
      expect(text.stdout).toMatch(/X509v3 CRL Number:\s+7/);
      expect(text.stdout).toContain('X509v3 Authority Key Identifier');
      expect(text.stdout).toContain('Issuer: CN = Revocation Issuing CA');

      const signature = await openssl(['crl', '-in', 'crl.pem', '-noout', '-CAfile', 'inter.pem'], dir);
      expect(signature.output).toContain('verify OK');
      const wrongCa = await openssl(['crl', '-in', 'crl.pem', '-noout', '-CAfile', 'root.pem'], dir);
      expect(wrongCa.output).not.toContain('verify OK');
    });

    it('makes `openssl verify -crl_check` reject the revoked leaf (error 23) and accept the good one', async () => {
      await writePki();
      await write('crl.pem', issueCrl(ca).pem);
      const common = ['verify', '-crl_check', '-CRLfile', 'crl.pem', '-CAfile', 'root.pem', '-untrusted', 'inter.pem'];
      const rejected = await openssl([...common, 'revoked.pem'], dir);
      expect(rejected.code).not.toBe(0);
      expect(rejected.output).toContain('error 23 at 0 depth lookup: certificate revoked');
      const accepted = await openssl([...common, 'good.pem'], dir);
      expect(accepted.code).toBe(0);
      expect(accepted.stdout).toContain('good.pem: OK');
    });

    it('makes `openssl verify` fail a stale CRL with error 12 (CRL has expired)', async () => {
      await writePki();
      const hourAgo = Date.now() - 3_600_000;
      await write('crl.pem', issueCrl(ca, { thisUpdate: new Date(hourAgo - 86_400_000), nextUpdate: new Date(hourAgo) }).pem);
      const stale = await openssl(
        ['verify', '-crl_check', '-CRLfile', 'crl.pem', '-CAfile', 'root.pem', '-untrusted', 'inter.pem', 'good.pem'],
        dir,
      );
      expect(stale.code).not.toBe(0);
      expect(stale.output).toContain('error 12 at 0 depth lookup: CRL has expired');
    });
  });

  describe('OCSP', () => {
    /** `openssl ocsp` on one of our responses, asking about `serial` as the issuing CA's certificate. */
    async function checkResponse(response: Buffer, serial: string, extra: readonly string[] = []): Promise<Run> {
      await writePki();
      await write('resp.der', response);
      // -no_nonce: with -serial, openssl builds its own request; a fresh nonce would never match ours.
      // `extra` goes before -serial: openssl applies a digest option such as -sha256 only to the
      // -serial and -cert options that follow it.
      return openssl(
        ['ocsp', '-no_nonce', '-respin', 'resp.der', '-issuer', 'inter.pem', '-CAfile', 'chain.pem', ...extra, '-serial', `0x${serial}`],
        dir,
      );
    }

    it.each([
      ['the CA', false],
      ['a delegated responder', true],
    ])('verifies good and revoked answers signed by %s', async (_signer, delegated) => {
      const signer = delegated ? { signer: responder } : {};
      for (const [credential, expected] of [
        [good, 'good'],
        [revoked, 'revoked'],
      ] as const) {
        const request = parseOcspRequest(buildOcspRequest(credential.certificate, ca.certificate));
        const serial = credential.certificate.serialNumber;
        const run = await checkResponse(buildOcspResponse({ ca, request, ...signer }), serial);
        expect(run.code).toBe(0);
        expect(run.stderr).toContain('Response verify OK');
        expect(run.stdout).toContain(`0x${serial}: ${expected}`);
        expect(run.stdout).toMatch(/This Update: .+\n\s+Next Update: .+/);
        if (expected === 'revoked') {
          expect(run.stdout).toContain('Reason: keyCompromise');
          expect(run.stdout).toContain('Revocation Time:');
        }
      }
    });

    it('answers unknown for a serial the CA never issued, in reply to an openssl-made request', async () => {
      await writePki();
      const made = await openssl(
        ['ocsp', '-issuer', 'inter.pem', '-serial', '0x1234ABCD', '-no_nonce', '-reqout', 'unknown-req.der'],
        dir,
      );
      expect(made.code).toBe(0);
      const request = parseOcspRequest(await readFile(join(dir, 'unknown-req.der')));
      expect(request.certIds[0]!.serialNumber).toBe('1234ABCD');
      for (const signer of [{}, { signer: responder }]) {
        const run = await checkResponse(buildOcspResponse({ ca, request, ...signer }), '1234ABCD');
        expect(run.code).toBe(0);
        expect(run.stderr).toContain('Response verify OK');
        expect(run.stdout).toContain('0x1234ABCD: unknown');
      }
    });

    it('echoes the nonce of an openssl-made request so that openssl accepts it, and a wrong one fails', async () => {
      await writePki();
      await openssl(['ocsp', '-issuer', 'inter.pem', '-cert', 'revoked.pem', '-reqout', 'req.der'], dir);
      const request = parseOcspRequest(await readFile(join(dir, 'req.der')));
      expect(request.nonce).toBeDefined();
      expect(request.certIds[0]!.serialNumber).toBe(revoked.certificate.serialNumber);

      // -reqin without -cert: openssl checks the response against the request read from the file.
      const check = ['ocsp', '-reqin', 'req.der', '-respin', 'resp.der', '-issuer', 'inter.pem', '-CAfile', 'chain.pem'];
      await write('resp.der', buildOcspResponse({ ca, request }));
      const echoed = await openssl(check, dir);
      expect(echoed.code).toBe(0);
      expect(echoed.output).toContain('Response verify OK');
      expect(echoed.output).not.toContain('nonce');

      await write('resp.der', buildOcspResponse({ ca, request: { ...request, nonce: Buffer.alloc(16, 7) } }));
      const wrong = await openssl(check, dir);
      expect(wrong.code).not.toBe(0);
      expect(wrong.output).toContain('Nonce Verify error');

      await write('resp.der', buildOcspResponse({ ca, request, includeNonce: false }));
      const missing = await openssl(check, dir);
      expect(missing.output).toContain('WARNING: no nonce in response');
    });

    it('answers SHA-256 CertIDs that `openssl ocsp -sha256` finds', async () => {
      const request = parseOcspRequest(buildOcspRequest(revoked.certificate, ca.certificate, { hash: 'sha256' }));
      const serial = revoked.certificate.serialNumber;
      const run = await checkResponse(buildOcspResponse({ ca, request }), serial, ['-sha256']);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('Response verify OK');
      expect(run.stdout).toContain(`0x${serial}: revoked`);
    });

    it('fails verification of a tampered response', async () => {
      const request = parseOcspRequest(buildOcspRequest(good.certificate, ca.certificate));
      const response = buildOcspResponse({ ca, request });
      const at = response.indexOf(request.nonce!);
      response[at]! ^= 0x01;
      const run = await checkResponse(response, good.certificate.serialNumber);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('Response Verify Failure');
      expect(run.stderr).not.toContain('Response verify OK');
    });

    it('fails verification when the delegated responder lacks id-kp-OCSPSigning', async () => {
      const impostor = ca.issueOcspResponder({ subject: 'no ocsp eku', extendedKeyUsage: ['clientAuth'] });
      const request = parseOcspRequest(buildOcspRequest(good.certificate, ca.certificate));
      const run = await checkResponse(buildOcspResponse({ ca, request, signer: impostor }), good.certificate.serialNumber);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('Response Verify Failure');
    });

    it('shows a stale answer (nextUpdate in the past) as status times invalid', async () => {
      const request = parseOcspRequest(buildOcspRequest(good.certificate, ca.certificate));
      const now = Date.now();
      const response = buildOcspResponse({
        ca,
        request,
        thisUpdate: new Date(now - 2 * 3_600_000),
        nextUpdate: new Date(now - 3_600_000),
      });
      const run = await checkResponse(response, good.certificate.serialNumber);
      expect(run.stderr).toContain('Response verify OK');
      expect(run.output).toContain('WARNING: Status times invalid.');
      expect(run.output).toContain('status expired');
    });

    it('makes requests that `openssl ocsp -req_text` parses, with SHA-1 or SHA-256 and a nonce', async () => {
      await write('req1.der', buildOcspRequest(good.certificate, ca.certificate));
      const sha1 = await openssl(['ocsp', '-reqin', 'req1.der', '-req_text'], dir);
      expect(sha1.code).toBe(0);
      expect(sha1.stdout).toContain('Hash Algorithm: sha1');
      expect(sha1.stdout).toContain(`Serial Number: ${evenHex(good.certificate.serialNumber)}\n`);
      expect(sha1.stdout).toContain(`Issuer Key Hash: ${ca.certificate.subjectKeyId.toString('hex').toUpperCase()}`);
      expect(sha1.stdout).toContain('OCSP Nonce');

      await write('req2.der', buildOcspRequest(good.certificate, ca.certificate, { hash: 'sha256', nonce: false }));
      const sha256 = await openssl(['ocsp', '-reqin', 'req2.der', '-req_text'], dir);
      expect(sha256.code).toBe(0);
      expect(sha256.stdout).toContain('Hash Algorithm: sha256');
      expect(sha256.stdout).not.toContain('OCSP Nonce');
    });
  });
});

describe('OCSP error responses, read by openssl', () => {
  it.each([
    ['malformedRequest', 'malformedrequest (1)'],
    ['internalError', 'internalerror (2)'],
    ['tryLater', 'trylater (3)'],
    ['sigRequired', 'sigrequired (5)'],
    ['unauthorized', 'unauthorized (6)'],
  ] as const)('prints %s as a responder error', async (status, printed) => {
    await write('err.der', buildOcspErrorResponse(status));
    const run = await openssl(['ocsp', '-respin', 'err.der', '-resp_text'], dir);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(`Responder Error: ${printed}`);
  });
});
