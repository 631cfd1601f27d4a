import { rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatName, normaliseSerial, type Certificate, type CertificateAuthority, type DistinguishedName, type Revocation, type RevocationReason } from '../../pki/index.js';

/** One row of an OpenSSL CA database (index.txt), the file `openssl ca` keeps and `openssl ocsp -index` answers from. */
export interface OpensslIndexEntry {
  readonly serialNumber: string;
  readonly notAfter: Date;
  readonly subject: DistinguishedName;
  readonly revocation?: Pick<Revocation, 'revokedAt' | 'reason'>;
}

/**
 * OpenSSL's own names for CRL reasons (apps/ca.c crl_reasons[]); it refuses a row with any other.
 * RFC 5280's privilegeWithdrawn and aACompromise have none there: such rows go without a reason.
 */
const OPENSSL_REASONS: Partial<Record<RevocationReason, string>> = {
  unspecified: 'unspecified',
  keyCompromise: 'keyCompromise',
  cACompromise: 'CACompromise',
  affiliationChanged: 'affiliationChanged',
  superseded: 'superseded',
  cessationOfOperation: 'cessationOfOperation',
  certificateHold: 'certificateHold',
  removeFromCRL: 'removeFromCRL',
};

/**
 * An ASN.1 time as index.txt holds it: UTCTime YYMMDDHHMMSSZ up to 2049, GeneralizedTime
 * YYYYMMDDHHMMSSZ from 2050 on (RFC 5280 4.1.2.5, which `openssl ca` follows).
 */
export function opensslIndexTime(date: Date): string {
  const iso = date.toISOString(); // 2026-11-25T21:10:05.123Z
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return date.getUTCFullYear() < 2050 ? digits.slice(2) : digits;
}

/** The subject the way index.txt writes it: X509_NAME_oneline, `/C=../O=../CN=..`; a `/` inside a value is escaped. */
export function opensslIndexSubject(subject: DistinguishedName): string {
  return formatName(subject)
    .split(', ')
    .map((part) => `/${part.replace(/\//g, '\\/')}`)
    .join('');
}

/**
 * One tab-separated row: status (V valid, R revoked), expiry, revocation date with an
 * optional `,reason`, serial in upper-case hex (`ocsp` looks serials up as BN_bn2hex writes them),
 * file name (`unknown`, as `openssl ca` writes when it keeps none) and subject.
 */
export function opensslIndexLine(entry: OpensslIndexEntry): string {
  const serial = normaliseSerial(entry.serialNumber);
  // An even number of hex digits, as `openssl ca` writes serials.
  const serialHex = serial.length % 2 === 0 ? serial : `0${serial}`;
  // Never E (expired): `openssl ocsp` adds no answer at all for an E row, while an expired
  // certificate's status is still good or revoked (RFC 6960 2.2); the gateway judges the expiry.
  let status = 'V';
  let revoked = '';
  if (entry.revocation) {
    status = 'R';
    const reason = OPENSSL_REASONS[entry.revocation.reason];
    revoked = `${opensslIndexTime(entry.revocation.revokedAt)}${reason && reason !== 'unspecified' ? `,${reason}` : ''}`;
  }
  return [status, opensslIndexTime(entry.notAfter), revoked, serialHex, 'unknown', opensslIndexSubject(entry.subject)].join('\t');
}

/** The whole index.txt, one row per entry, in the order given, ending with a newline (OpenSSL's TXT_DB reads lines). */
export function opensslIndex(entries: readonly OpensslIndexEntry[]): string {
  return entries.map((entry) => `${opensslIndexLine(entry)}\n`).join('');
}

/** Index entries for these certificates, with the revocations that are in force at `at`. */
export function indexEntriesOf(certificates: readonly Certificate[], revocations: ReadonlyMap<string, Pick<Revocation, 'revokedAt' | 'reason'>>, at: Date = new Date()): OpensslIndexEntry[] {
  return certificates.map((certificate) => {
    const revocation = revocations.get(normaliseSerial(certificate.serialNumber));
    return {
      serialNumber: certificate.serialNumber,
      notAfter: certificate.notAfter,
      subject: certificate.subject,
      ...(revocation && revocation.revokedAt.getTime() <= at.getTime() ? { revocation } : {}),
    };
  });
}

/**
 * The index folder: index.txt (the CA database `openssl ocsp -index` answers from) and
 * index.txt.attr. OpenSSL 3.0 re-reads index.txt when its mtime, ctime or inode changed
 * (apps/lib/apps.c index_changed; measured: a rewrite in place within the same second is missed),
 * so every rewrite is a new file renamed over the old one, with an mtime that moves on. It checks
 * only before it waits for the next connection (apps/ocsp.c redo_accept): see `poke`.
 */
export class OpensslIndexFile {
  private mtimeSeconds = 0;
  readonly path: string;
  private readonly registered: Set<string>;
  private readonly revocations = new Map<string, Pick<Revocation, 'revokedAt' | 'reason'>>();

  constructor(
    dir: string,
    private readonly issuer: CertificateAuthority,
  ) {
    this.path = join(dir, 'index.txt');
    this.registered = new Set(issuer.issuedCertificates().map((certificate) => normaliseSerial(certificate.serialNumber)));
    for (const revocation of issuer.revocationsAt(new Date(8_640_000_000_000_000))) this.revocations.set(revocation.serialNumber, revocation);
  }

  async init(): Promise<void> {
    // Subjects repeat when a certificate is renewed; by default TXT_DB wants them unique.
    await writeFile(`${this.path}.attr`, 'unique_subject = no\n');
    await this.write();
  }

  async revoke(serialNumber: string, reason: RevocationReason, revokedAt: Date): Promise<void> {
    this.revocations.set(normaliseSerial(serialNumber), { revokedAt, reason });
    await this.write();
  }

  async unrevoke(serialNumber: string): Promise<void> {
    this.revocations.delete(normaliseSerial(serialNumber));
    await this.write();
  }

  async register(serialNumbers: readonly string[]): Promise<void> {
    for (const serial of serialNumbers) this.registered.add(normaliseSerial(serial));
    await this.write();
  }

  private async write(): Promise<void> {
    const certificates = this.issuer.issuedCertificates().filter((certificate) => this.registered.has(normaliseSerial(certificate.serialNumber)));
    const next = `${this.path}.next`;
    await writeFile(next, opensslIndex(indexEntriesOf(certificates, this.revocations)));
    this.mtimeSeconds = Math.max(Math.floor(Date.now() / 1000), this.mtimeSeconds + 1);
    await utimes(next, this.mtimeSeconds, this.mtimeSeconds);
    await rename(next, this.path);
  }
}
