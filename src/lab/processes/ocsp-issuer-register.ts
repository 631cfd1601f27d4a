import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  certIdMatchesIssuer,
  Credential,
  keyAlgorithmOf,
  normaliseSerial,
  REVOCATION_REASONS,
  type Certificate,
  type CertificateAuthority,
  type CertificateStatus,
  type OcspRequestInfo,
  type RevocationReason,
} from '../../pki/index.js';
import { certificateFromPem } from '../../pki/certificate-from-der.js';
import type { OcspIssuerConfig } from './ocsp-responder-config.js';

/** How the parent names an issuer over IPC: the SHA-256 of its certificate's DER, hex. */
export function issuerIdOf(certificate: Certificate): string {
  return createHash('sha256').update(certificate.der).digest('hex');
}

/**
 * What the responder knows of one issuing CA: its key (it signs its own answers, RFC 6960
 * 4.2.2.2), the serials it issued and those it revoked. Serials are unique per issuer only
 * (RFC 5280 4.1.2.2), so each issuer keeps its own register.
 */
export class OcspIssuerRegister {
  readonly id: string;
  readonly certificate: Certificate;
  private readonly credential: Credential;
  private readonly issued: Set<string>;
  private readonly revoked: Map<string, { revokedAt: Date; reason: RevocationReason }>;

  constructor(config: OcspIssuerConfig) {
    const privateKey = createPrivateKey(readFileSync(config.issuerKeyFile, 'utf8'));
    this.certificate = certificateFromPem(readFileSync(config.issuerCertificateFile, 'utf8'));
    this.credential = new Credential(this.certificate, { algorithm: keyAlgorithmOf(privateKey), privateKey, publicKey: createPublicKey(privateKey) }, []);
    this.id = issuerIdOf(this.certificate);
    this.issued = new Set(config.issued.map((serial) => normaliseSerial(serial)));
    this.revoked = new Map(
      config.revocations.map((entry) => [normaliseSerial(entry.serialNumber), { revokedAt: new Date(entry.revokedAt), reason: entry.reason }]),
    );
  }

  /** Whether the request asks about a certificate of this issuer (its name and key hash, RFC 6960 4.1.1). */
  answers(request: OcspRequestInfo): boolean {
    return request.certIds.some((certId) => certIdMatchesIssuer(certId, this.certificate));
  }

  statusOf(serialNumber: string, at: Date = new Date()): CertificateStatus {
    const serial = normaliseSerial(serialNumber);
    const revocation = this.revoked.get(serial);
    if (revocation && revocation.revokedAt <= at) return { status: 'revoked', ...revocation };
    return this.issued.has(serial) ? { status: 'good' } : { status: 'unknown' };
  }

  revoke(serialNumber: string, reason: RevocationReason = 'unspecified', revokedAt: Date = new Date()): void {
    if (!(reason in REVOCATION_REASONS)) throw new Error(`unknown revocation reason ${reason}`);
    const serial = normaliseSerial(serialNumber);
    this.revoked.set(serial, { revokedAt, reason });
    this.issued.add(serial);
  }

  unrevoke(serialNumber: string): boolean {
    return this.revoked.delete(normaliseSerial(serialNumber));
  }

  registerIssued(serialNumbers: readonly string[]): void {
    for (const serial of serialNumbers) this.issued.add(normaliseSerial(serial));
  }

  /**
   * buildOcspResponse reads only `credential`, `certificate` and `statusOf` of its CA; the
   * responder has the CA's key and certificate but not the CertificateAuthority that issued them.
   */
  asCa(): CertificateAuthority {
    return { credential: this.credential, certificate: this.certificate, statusOf: (serial: string, at?: Date) => this.statusOf(serial, at) } as unknown as CertificateAuthority;
  }
}
