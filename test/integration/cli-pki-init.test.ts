import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/run-cli.js';

const exec = promisify(execFile);
let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mtls-chaos-test-cli-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('mtls-chaos pki init', () => {
  it('writes a lab PKI that openssl verify accepts, with private keys mode 0600', async () => {
    const dir = join(workDir, 'lab');
    const result = await runCli(['pki', 'init', dir, '--clients', '3', '--spiffe-trust-domain', 'prod.example']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('3 client(s)');

    const clients = (await readdir(join(dir, 'clients'))).sort();
    expect(clients).toEqual([
      'client-1.crt.pem', 'client-1.key.pem', 'client-2.crt.pem', 'client-2.key.pem', 'client-3.crt.pem', 'client-3.key.pem',
    ]);
    const keyFiles = [
      join(dir, 'ca/root.key.pem'), join(dir, 'ca/intermediate.key.pem'), join(dir, 'servers/server-1.key.pem'),
      ...clients.filter((file) => file.endsWith('.key.pem')).map((file) => join(dir, 'clients', file)),
    ];
    for (const file of keyFiles) expect((await stat(file)).mode & 0o777, file).toBe(0o600);
    expect((await stat(join(dir, 'ca'))).mode & 0o777).toBe(0o700);

    const leaves = [join(dir, 'servers/server-1.crt.pem'), ...[1, 2, 3].map((n) => join(dir, `clients/client-${n}.crt.pem`))];
    const verify = await exec('openssl', [
      'verify', '-CAfile', join(dir, 'trust-bundle.pem'), '-untrusted', join(dir, 'ca/intermediate.crt.pem'), ...leaves,
    ]);
    expect(verify.stdout.match(/: OK$/gm)).toHaveLength(4);

    const text = await exec('openssl', ['x509', '-in', join(dir, 'clients/client-2.crt.pem'), '-noout', '-text']);
    expect(text.stdout).toContain('URI:spiffe://prod.example/ns/lab/sa/client-2');
    expect(text.stdout).toContain('TLS Web Client Authentication');

    const readme = await readFile(join(dir, 'README.txt'), 'utf8');
    for (const file of ['trust-bundle.pem', 'ca/root.crt.pem', 'clients/client-3.key.pem', 'servers/server-1.crt.pem']) {
      expect(readme).toContain(file);
    }
    // The README describes keys; it must never contain one.
    expect(readme).not.toContain('PRIVATE KEY');
  });

  it('honours --client-lifetime exactly', async () => {
    const dir = join(workDir, 'lab');
    expect((await runCli(['pki', 'init', dir, '--client-lifetime', '90m'])).exitCode).toBe(0);
    const dates = await exec('openssl', ['x509', '-in', join(dir, 'clients/client-1.crt.pem'), '-noout', '-startdate', '-enddate']);
    const [, start] = /notBefore=(.*)/.exec(dates.stdout)!;
    const [, end] = /notAfter=(.*)/.exec(dates.stdout)!;
    expect(Date.parse(end!) - Date.parse(start!)).toBe(90 * 60_000);
  });

  it('refuses a non-empty directory with exit 2 and a hint, unless --force', async () => {
    const dir = join(workDir, 'lab');
    await runCli(['pki', 'init', dir]);
    const again = await runCli(['pki', 'init', dir]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('error[E_PKI_OUTPUT_DIR]');
    expect(again.stderr).toContain('--force');
    expect(again.stderr).not.toMatch(/\n\s+at /);
    const forced = await runCli(['pki', 'init', dir, '--force', '--alg', 'ed25519']);
    expect(forced.exitCode).toBe(0);
    const text = await exec('openssl', ['x509', '-in', join(dir, 'clients/client-1.crt.pem'), '-noout', '-text']);
    expect(text.stdout).toContain('ED25519');
    expect((await stat(join(dir, 'clients/client-1.key.pem'))).mode & 0o777).toBe(0o600);
  });

  it('rejects bad flags with exit 2', async () => {
    const badAlg = await runCli(['pki', 'init', join(workDir, 'a'), '--alg', 'dsa-1024']);
    expect(badAlg.exitCode).toBe(2);
    expect(badAlg.stderr).toContain('ecdsa-p256');
    const badLifetime = await runCli(['pki', 'init', join(workDir, 'b'), '--client-lifetime', 'soon']);
    expect(badLifetime.exitCode).toBe(2);
    expect(badLifetime.stderr).toContain('error[E_DURATION]: --client-lifetime');
    const badCount = await runCli(['pki', 'init', join(workDir, 'c'), '--clients', '-3']);
    expect(badCount.exitCode).toBe(2);
    expect(badCount.stderr).toContain('--clients must be a whole number');
  });

  it('writes PKCS#12 bundles for clients when given a password (from the environment)', async () => {
    const dir = join(workDir, 'lab');
    const result = await new Promise<number>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'pki', 'init', dir, '--clients', '2'],
        { cwd: REPO_ROOT, env: { ...process.env, MTLS_CHAOS_P12_PASSWORD: 'correct horse' } },
        (error) => resolve(error ? 1 : 0),
      );
    });
    expect(result).toBe(0);
    const p12 = join(dir, 'clients/client-2.p12');
    expect((await stat(p12)).mode & 0o777).toBe(0o600);
    const info = await exec('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:correct horse', '-nodes', '-info']);
    expect(info.stdout).toMatch(/subject=.*CN = client-2/);
    expect(info.stdout).toContain('BEGIN PRIVATE KEY');
    await expect(exec('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:wrong', '-nodes'])).rejects.toThrow(/mac verify error/i);
    expect(await readFile(join(dir, 'README.txt'), 'utf8')).toContain('clients/client-2.p12');
  });

  it('refuses to write into a file path', async () => {
    const file = join(workDir, 'not-a-dir');
    await writeFile(file, 'x');
    const result = await runCli(['pki', 'init', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('E_PKI_OUTPUT_DIR');
  });
});
