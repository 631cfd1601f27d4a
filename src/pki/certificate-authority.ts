import { createPrivateKey, createPublicKey } from 'node:crypto';
import { PkiError } from '../errors.js';
import { certificateFromPem } from './certificate-from-der.js';
import { issueCertificate, type Certificate } from './certificate.js';
import { Credential } from './credential.js';
import { encodeName, toDistinguishedName, type DistinguishedName } from './distinguished-name.js';
import {
  authorityInfoAccess,
  basicConstraints,
  crlDistributionPoints,
  extendedKeyUsage,
  hasSubjectAltNames,
  keyUsage,
  ocspNoCheck,
  subjectAltName,
  type ExtendedKeyUsage,
  type Extension,
  type KeyUsage,
  type SubjectAltNames,
} from './extensions.js';
import { generateKeyPairNow, keyAlgorithmOf, type KeyAlgorithm, type KeyPair } from './key-algorithm.js';
import { normaliseSerial, type CertificateStatus, type Revocation, type RevocationReason } from './revocation.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const YEAR_MS = 365 * DAY_MS;

/** Lifetimes used when a caller gives neither notAfter nor lifetimeMs. */
export const DEFAULT_LIFETIME_MS = {
  root: 10 * YEAR_MS,
  intermediate: 5 * YEAR_MS,
  server: 90 * DAY_MS,
  client: DAY_MS,
  ocspResponder: 30 * DAY_MS,
} as const;

/**
 * Default notBefore is a few minutes in the past so that a peer whose clock is slightly behind
 * does not see a brand-new certificate as not yet valid (the usual CA practice).
 */
const DEFAULT_BACKDATE_MS = 5 * 60_000;

export interface ValidityOptions {
  /** Exact start of validity; may be in the future (a not-yet-valid drill). */
  readonly notBefore?: Date;
  /** Exact end of validity; may be in the past (an expired drill). Wins over lifetimeMs. */
  readonly notAfter?: Date;
  /** notAfter = notBefore + lifetimeMs when notAfter is not given. */
  readonly lifetimeMs?: number;
}

export interface CaOptions extends ValidityOptions {
  readonly subject: string | DistinguishedName;
  readonly algorithm?: KeyAlgorithm;
  /** Reuse a key (cross-signing, re-issuing a CA with the same key). */
  readonly key?: KeyPair;
  /** pathLenConstraint: how many intermediates may follow this CA (RFC 5280 4.2.1.9). */
  readonly pathLength?: number;
  /** Put into the AIA extension of every certificate this CA issues. */
  readonly ocspUrl?: string;
  /** Put into the CRL distribution points of every certificate this CA issues. */
  readonly crlUrl?: string;
}

export interface LeafOptions extends ValidityOptions, SubjectAltNames {
  readonly subject: string | DistinguishedName;
  /** Defaults to the issuing CA's algorithm. */
  readonly algorithm?: KeyAlgorithm;
  readonly key?: KeyPair;
  /** Overrides the CA's OCSP URL; null leaves the AIA extension out. */
  readonly ocspUrl?: string | null;
  /** Overrides the CA's CRL URL; null leaves the CRL distribution point out. */
  readonly crlUrl?: string | null;
  /** Overrides the profile's extended key usage (wrong-purpose drills). */
  readonly extendedKeyUsage?: readonly ExtendedKeyUsage[];
  readonly keyUsage?: readonly KeyUsage[];
  readonly serialNumber?: string;
}

type LeafProfile = 'server' | 'client' | 'ocspResponder';

/**
 * A certificate authority of the lab: its key, its certificate, the chain above it, and the
 * register of what it issued and revoked, from which CRLs and OCSP answers are made.
 */
export class CertificateAuthority {
  private readonly issued = new Map<string, Certificate>();
  private readonly revocations = new Map<string, Revocation>();

  readonly ocspUrl: string | undefined;
  readonly crlUrl: string | undefined;
  /** How many intermediates may follow this CA; undefined means no limit. */
  readonly pathLength: number | undefined;

  private constructor(
    readonly credential: Credential,
    /** The CA that signed this one; undefined for a root. */
    readonly parent: CertificateAuthority | undefined,
    options: Pick<CaOptions, 'ocspUrl' | 'crlUrl' | 'pathLength'>,
    /** A CA loaded from outside (fromPem): its leaves carry its certificate, since its parents are not known here. */
    private readonly loaded = false,
  ) {
    this.ocspUrl = options.ocspUrl;
    this.crlUrl = options.crlUrl;
    this.pathLength = options.pathLength;
  }

  static createRoot(options: CaOptions): CertificateAuthority {
    const key = options.key ?? generateKeyPairNow(options.algorithm ?? 'ecdsa-p256');
    const subject = toDistinguishedName(options.subject);
    const { notBefore, notAfter } = validity(options, DEFAULT_LIFETIME_MS.root);
    const certificate = issueCertificate({
      subject,
      subjectKey: key,
      issuerDer: encodeName(subject),
      issuerKey: key,
      notBefore,
      notAfter,
      isCa: true,
      extensions: caExtensions(options.pathLength),
    });
    return new CertificateAuthority(new Credential(certificate, key, []), undefined, options);
  }

  /**
   * A CA someone else made (a team's intermediate their gateway trusts, `pki.issuer`), from its
   * PEM certificate and private key, to issue leaves from. The leaves it issues carry its
   * certificate, so a gateway that trusts the root above it builds the path too. Throws
   * E_PKI_ISSUER when the certificate is no CA or the key is not its key.
   */
  /** `urls`: what the leaves it issues here name in their AIA and CRL distribution points (the harness's own responder, say). */
  static fromPem(
    certificatePem: string,
    keyPem: string,
    source: { certificate: string; key: string },
    urls: Pick<CaOptions, 'ocspUrl' | 'crlUrl'> = {},
  ): CertificateAuthority {
    const fail = (file: string, why: string, cause?: unknown) =>
      new PkiError('E_PKI_ISSUER', `${file}: ${why}`, { file, ...(cause === undefined ? {} : { cause }), hint: 'pki.issuer: the PEM certificate of a CA and its unencrypted PEM private key' });
    let certificate: Certificate;
    try {
      certificate = certificateFromPem(certificatePem);
    } catch (error) {
      throw fail(source.certificate, `is not a PEM certificate (${(error as Error).message})`, error);
    }
    if (!certificate.isCa) throw fail(source.certificate, 'is not a CA certificate (basicConstraints CA:FALSE or absent)');
    let key: KeyPair;
    try {
      const privateKey = createPrivateKey(keyPem);
      key = { algorithm: keyAlgorithmOf(privateKey), privateKey, publicKey: createPublicKey(privateKey) };
    } catch (error) {
      throw fail(source.key, `is not a usable PEM private key (${(error as Error).message})`, error);
    }
    const spki = (publicKey: KeyPair['publicKey']) => publicKey.export({ type: 'spki', format: 'der' });
    if (!spki(key.publicKey).equals(spki(certificate.x509.publicKey))) throw fail(source.key, `is not the key of ${source.certificate}`);
    return new CertificateAuthority(new Credential(certificate, key, []), undefined, urls, true);
  }

  get certificate(): Certificate {
    return this.credential.certificate;
  }

  get key(): KeyPair {
    return this.credential.key;
  }

  get name(): string {
    return this.certificate.subject.commonName;
  }

  get isRoot(): boolean {
    return this.parent === undefined;
  }

  /** The root this CA chains to. */
  get root(): CertificateAuthority {
    return this.parent ? this.parent.root : this;
  }

  /** This CA's certificate and the intermediates above it, root excluded. */
  get chain(): readonly Certificate[] {
    return this.parent ? [this.certificate, ...this.parent.chain] : this.loaded ? [this.certificate] : [];
  }

  issueIntermediate(options: CaOptions): CertificateAuthority {
    this.assertMayIssueCa();
    const key = options.key ?? generateKeyPairNow(options.algorithm ?? this.key.algorithm);
    const certificate = this.sign(toDistinguishedName(options.subject), key, {
      ...validity(options, DEFAULT_LIFETIME_MS.intermediate),
      isCa: true,
      extensions: caExtensions(options.pathLength),
      serialNumber: undefined,
    });
    return new CertificateAuthority(new Credential(certificate, key, this.chain), this, options);
  }

  /**
   * Cross-signs another CA: a certificate with that CA's subject and key, issued by this one,
   * so that clients trusting this CA's root accept what the other CA issues (rotation overlap).
   */
  crossSign(other: CertificateAuthority, options: ValidityOptions & { pathLength?: number } = {}): Certificate {
    this.assertMayIssueCa();
    return this.sign(other.certificate.subject, other.key, {
      ...validity(options, DEFAULT_LIFETIME_MS.intermediate),
      isCa: true,
      extensions: caExtensions(options.pathLength ?? other.pathLength),
      serialNumber: undefined,
    });
  }

  issueServer(options: LeafOptions): Credential {
    return this.issueLeaf('server', options);
  }

  issueClient(options: LeafOptions): Credential {
    return this.issueLeaf('client', options);
  }

  /** A delegated OCSP signer (RFC 6960 4.2.2.2): EKU id-kp-OCSPSigning plus id-pkix-ocsp-nocheck. */
  issueOcspResponder(options: LeafOptions): Credential {
    return this.issueLeaf('ocspResponder', options);
  }

  /** Records a revocation; CRLs and OCSP answers made afterwards include it. */
  revoke(serialNumber: string, reason: RevocationReason = 'unspecified', revokedAt: Date = new Date()): Revocation {
    const serial = normaliseSerial(serialNumber);
    if (!this.issued.has(serial)) {
      throw new PkiError('E_PKI_UNKNOWN_SERIAL', `${this.name} did not issue serial ${serial}`, {
        hint: 'revoke a certificate through the CA that issued it',
      });
    }
    const revocation: Revocation = { serialNumber: serial, revokedAt, reason };
    this.revocations.set(serial, revocation);
    return revocation;
  }

  /** Takes a revocation back (certificateHold released, or a drill's heal step). */
  unrevoke(serialNumber: string): void {
    this.revocations.delete(normaliseSerial(serialNumber));
  }

  statusOf(serialNumber: string, at: Date = new Date()): CertificateStatus {
    const serial = normaliseSerial(serialNumber);
    const revocation = this.revocations.get(serial);
    if (revocation && revocation.revokedAt <= at) {
      return { status: 'revoked', revokedAt: revocation.revokedAt, reason: revocation.reason };
    }
    return this.issued.has(serial) ? { status: 'good' } : { status: 'unknown' };
  }

  /** Revocations in force at `at`, for a CRL. */
  revocationsAt(at: Date = new Date()): Revocation[] {
    return [...this.revocations.values()].filter((revocation) => revocation.revokedAt <= at);
  }

  issuedCertificates(): Certificate[] {
    return [...this.issued.values()];
  }

  private issueLeaf(profile: LeafProfile, options: LeafOptions): Credential {
    const key = options.key ?? generateKeyPairNow(options.algorithm ?? this.key.algorithm);
    const lifetime =
      profile === 'server'
        ? DEFAULT_LIFETIME_MS.server
        : profile === 'client'
          ? DEFAULT_LIFETIME_MS.client
          : DEFAULT_LIFETIME_MS.ocspResponder;
    const certificate = this.sign(toDistinguishedName(options.subject), key, {
      ...validity(options, lifetime),
      isCa: false,
      extensions: this.leafExtensions(profile, key, options),
      serialNumber: options.serialNumber,
    });
    return new Credential(certificate, key, this.chain);
  }

  private leafExtensions(profile: LeafProfile, key: KeyPair, options: LeafOptions): Extension[] {
    const usages: KeyUsage[] =
      options.keyUsage !== undefined
        ? [...options.keyUsage]
        : // RSA servers may still meet TLS 1.2 RSA key exchange, which needs keyEncipherment.
          profile === 'server' && key.algorithm.startsWith('rsa-')
          ? ['digitalSignature', 'keyEncipherment']
          : ['digitalSignature'];
    const defaultEku: Record<LeafProfile, ExtendedKeyUsage[]> = {
      server: ['serverAuth'],
      client: ['clientAuth'],
      ocspResponder: ['ocspSigning'],
    };
    const extensions: Extension[] = [
      basicConstraints(false),
      keyUsage(usages),
      extendedKeyUsage(options.extendedKeyUsage ?? defaultEku[profile]),
    ];
    if (hasSubjectAltNames(options)) extensions.push(subjectAltName(options));
    const ocspUrl = options.ocspUrl === undefined ? this.ocspUrl : options.ocspUrl ?? undefined;
    const crlUrl = options.crlUrl === undefined ? this.crlUrl : options.crlUrl ?? undefined;
    if (profile === 'ocspResponder') extensions.push(ocspNoCheck());
    else {
      if (ocspUrl) extensions.push(authorityInfoAccess({ ocspUrl }));
      if (crlUrl) extensions.push(crlDistributionPoints([crlUrl]));
    }
    return extensions;
  }

  private sign(
    subject: DistinguishedName,
    key: KeyPair,
    fields: {
      notBefore: Date;
      notAfter: Date;
      isCa: boolean;
      extensions: readonly Extension[];
      serialNumber: string | undefined;
    },
  ): Certificate {
    const certificate = issueCertificate({
      subject,
      subjectKey: key,
      issuerDer: this.certificate.subjectDer,
      issuerKey: this.key,
      authorityKeyId: this.certificate.subjectKeyId,
      notBefore: fields.notBefore,
      notAfter: fields.notAfter,
      isCa: fields.isCa,
      extensions: fields.extensions,
      ...(fields.serialNumber === undefined ? {} : { serialNumber: normaliseSerial(fields.serialNumber) }),
    });
    this.issued.set(certificate.serialNumber, certificate);
    return certificate;
  }

  private assertMayIssueCa(): void {
    // pathLength counts intermediates below this CA; 0 means it may only issue leaves.
    if (this.pathLength === 0) {
      throw new PkiError('E_PKI_PATH_LENGTH', `${this.name} has pathLength 0 and may not issue CA certificates`, {
        hint: 'raise pathLength on this CA or issue the intermediate from its parent',
      });
    }
  }
}

function caExtensions(pathLength: number | undefined): Extension[] {
  return [basicConstraints(true, pathLength), keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign'])];
}

function validity(options: ValidityOptions, defaultLifetimeMs: number): { notBefore: Date; notAfter: Date } {
  const notBefore = options.notBefore ?? new Date(Date.now() - DEFAULT_BACKDATE_MS);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + (options.lifetimeMs ?? defaultLifetimeMs));
  if (notAfter <= notBefore) {
    throw new PkiError(
      'E_PKI_VALIDITY',
      `notAfter (${notAfter.toISOString()}) must be after notBefore (${notBefore.toISOString()})`,
      { hint: 'give a positive lifetime, or a notAfter later than notBefore' },
    );
  }
  return { notBefore, notAfter };
}
