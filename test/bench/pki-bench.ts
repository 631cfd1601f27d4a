import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority, issueFleet, type KeyAlgorithm } from '../../src/pki/index.js';

/** openssl prints progress dots and notes on stderr; keep them for the error if it fails. */
const QUIET = { stdio: 'pipe' } as const;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Leaves/s of our issuance: key generation + signing + PEM export of certificate and key. */
async function ourRate(algorithm: KeyAlgorithm, count: number): Promise<number> {
  const root = CertificateAuthority.createRoot({ subject: 'bench root', algorithm });
  const intermediate = root.issueIntermediate({ subject: 'bench intermediate' });
  const started = performance.now();
  const leaves = await issueFleet(intermediate, {
    count,
    profile: 'client',
    leaf: (index) => ({ subject: `client-${index}`, uris: [`spiffe://example.org/ns/bench/sa/client-${index}`] }),
  });
  for (const leaf of leaves) if (leaf.certificate.pem.length === 0 || leaf.keyPem.length === 0) throw new Error('empty PEM');
  return count / ((performance.now() - started) / 1000);
}

/** The same work with the openssl CLI in a loop: genpkey, req, x509 per leaf. */
function opensslRate(algorithm: 'ecdsa-p256' | 'rsa-2048', count: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-chaos-bench-'));
  try {
    const root = CertificateAuthority.createRoot({ subject: 'bench root', algorithm });
    const intermediate = root.issueIntermediate({ subject: 'bench intermediate' });
    writeFileSync(join(dir, 'ca.pem'), intermediate.certificate.pem);
    writeFileSync(join(dir, 'ca.key'), intermediate.credential.keyPem, { mode: 0o600 });
    writeFileSync(
      join(dir, 'ext.cnf'),
      '[v3]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' +
        'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nsubjectAltName=URI:spiffe://example.org/ns/bench/sa/client\n',
    );
    const keyArgs =
      algorithm === 'rsa-2048'
        ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']
        : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    const started = performance.now();
    for (let index = 0; index < count; index++) {
      const key = join(dir, `leaf-${index}.key`);
      const csr = join(dir, `leaf-${index}.csr`);
      execFileSync('openssl', ['genpkey', ...keyArgs, '-out', key], QUIET);
      execFileSync('openssl', ['req', '-new', '-key', key, '-subj', `/CN=client-${index}`, '-out', csr], QUIET);
      execFileSync('openssl', [
        'x509', '-req', '-in', csr, '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'),
        '-CAcreateserial', '-days', '1', '-extfile', join(dir, 'ext.cnf'), '-extensions', 'v3',
        '-out', join(dir, `leaf-${index}.pem`),
      ], QUIET);
    }
    return count / ((performance.now() - started) / 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function pkiBench(): Promise<boolean> {
  const rows: string[][] = [];
  let met = true;
  const cases = [
    { algorithm: 'ecdsa-p256' as const, ours: 1_000, openssl: 40, minRate: 1_000, minRatio: 20 },
    { algorithm: 'rsa-2048' as const, ours: 100, openssl: 10, minRate: 0, minRatio: 0 },
  ];
  for (const item of cases) {
    const oursRuns: number[] = [];
    const opensslRuns: number[] = [];
    // Interleave the two so that background noise hits both alike; report medians of 3.
    for (let run = 0; run < 3; run++) {
      oursRuns.push(await ourRate(item.algorithm, item.ours));
      opensslRuns.push(opensslRate(item.algorithm, item.openssl));
    }
    const ours = median(oursRuns);
    const openssl = median(opensslRuns);
    const ratio = ours / openssl;
    const pass = ours >= item.minRate && ratio >= item.minRatio;
    met &&= pass;
    const target = item.minRate > 0 ? `>= ${item.minRate}/s and >= ${item.minRatio}x` : 'reported only';
    rows.push([item.algorithm, `${item.ours}`, ours.toFixed(0), openssl.toFixed(1), `${ratio.toFixed(1)}x`, target, pass ? 'ok' : 'MISSED']);
  }
  const header = ['algorithm', 'leaves', 'ours leaves/s', 'openssl CLI leaves/s', 'ratio', 'target', ''];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write('(key generation + issuance + PEM export of certificate and key; medians of 3 runs, interleaved)\n');
  return met;
}
