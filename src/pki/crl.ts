import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { signatureAlgorithmIdentifier } from './certificate.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { toPem } from './der.js';
import { OIDS } from './extensions.js';
import { signWith } from './key-algorithm.js';
import { REVOCATION_REASONS, type Revocation } from './revocation.js';

const DAY_MS = 24 * 3_600_000;

const CRL_OIDS = {
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
} as const;

/** A signed X.509 v2 CRL (RFC 5280 section 5) and what it says, without parsing it again. */
export class Crl {
  private pemCache: string | undefined;

  constructor(
    readonly der: Buffer,
    /** Second precision, exactly as encoded. */
    readonly thisUpdate: Date,
    /** In the past for a stale-CRL drill. */
    readonly nextUpdate: Date,
    readonly crlNumber: number,
    readonly entries: readonly Revocation[],
  ) {}

  /** PEM with the label OpenSSL, nginx and haproxy expect for `ssl_crl` / `crl-file`. */
  get pem(): string {
    this.pemCache ??= toPem('X509 CRL', this.der);
    return this.pemCache;
  }
}

export interface CrlOptions {
  /** Defaults to now. */
  readonly thisUpdate?: Date;
  /** Defaults to thisUpdate + 1 day; a date in the past makes a stale CRL. */
  readonly nextUpdate?: Date;
  /**
   * RFC 5280 5.2.3 wants CRL numbers to increase monotonically per issuer. The default is the
   * issuing time in milliseconds, which does so within a lab without keeping a counter.
   */
  readonly crlNumber?: number;
  /** Which revocations are in force; defaults to thisUpdate. */
  readonly at?: Date;
}

/**
 * Issues a v2 CRL for everything `ca` has revoked at `at`. pkijs builds the TBSCertList, but we
 * sign its DER ourselves with `signWith`: pkijs signs through WebCrypto, which has no Ed25519
 * everywhere we run, and one code path for every key algorithm is what OpenSSL tests exercise.
 */
export function issueCrl(ca: CertificateAuthority, options: CrlOptions = {}): Crl {
  const now = options.thisUpdate ?? new Date();
  const thisUpdate = wholeSeconds(now);
  const nextUpdate = wholeSeconds(options.nextUpdate ?? new Date(thisUpdate.getTime() + DAY_MS));
  const crlNumber = options.crlNumber ?? Date.now();
  // Not the truncated thisUpdate: a revocation 300 ms ago must not miss the CRL made now.
  const entries = ca.revocationsAt(options.at ?? now);
  const signatureAlgorithm = pkijs.AlgorithmIdentifier.fromBER(signatureAlgorithmIdentifier(ca.key.algorithm));

  const crl = new pkijs.CertificateRevocationList({
    // v2 (value 1) because the CRL carries extensions (RFC 5280 5.1.2.1).
    version: 1,
    signature: signatureAlgorithm,
    // Parsed from the CA certificate's own subject bytes so that the issuer matches byte for
    // byte: OpenSSL looks CRLs up by comparing names in canonical form, other stacks by DER.
    issuer: pkijs.RelativeDistinguishedNames.fromBER(ca.certificate.subjectDer),
    thisUpdate: x509Time(thisUpdate),
    // RFC 5280 5.1.2.5: conforming issuers MUST include nextUpdate.
    nextUpdate: x509Time(nextUpdate),
    crlExtensions: new pkijs.Extensions({
      extensions: [
        // RFC 5280 5.2.1: MUST include the authority key identifier (keyIdentifier method).
        new pkijs.Extension({
          extnID: OIDS.authorityKeyIdentifier,
          critical: false,
          extnValue: new pkijs.AuthorityKeyIdentifier({
            keyIdentifier: new asn1js.OctetString({ valueHex: ca.certificate.subjectKeyId }),
          })
            .toSchema()
            .toBER(),
        }),
        new pkijs.Extension({
          extnID: CRL_OIDS.cRLNumber,
          critical: false,
          extnValue: asn1js.Integer.fromBigInt(BigInt(crlNumber)).toBER(),
        }),
      ],
    }),
    // RFC 5280 5.1.2.6: when nothing is revoked the list MUST be absent, not empty.
    ...(entries.length > 0 ? { revokedCertificates: entries.map(revokedCertificate) } : {}),
    signatureAlgorithm,
  });

  const tbs = (crl.toSchema(true) as asn1js.Sequence).valueBlock.value[0]!.toBER();
  crl.tbsView = new Uint8Array(tbs);
  crl.signatureValue = new asn1js.BitString({ valueHex: signWith(ca.key, crl.tbsView) });
  const der = Buffer.from(crl.toSchema().toBER());
  return new Crl(der, thisUpdate, nextUpdate, crlNumber, entries);
}

function revokedCertificate(revocation: Revocation): pkijs.RevokedCertificate {
  // RFC 5280 5.3.1: the reasonCode entry extension SHOULD be absent rather than 'unspecified'.
  const extensions =
    revocation.reason === 'unspecified'
      ? undefined
      : new pkijs.Extensions({
          extensions: [
            new pkijs.Extension({
              extnID: CRL_OIDS.reasonCode,
              critical: false,
              extnValue: new asn1js.Enumerated({ value: REVOCATION_REASONS[revocation.reason] }).toBER(),
            }),
          ],
        });
  return new pkijs.RevokedCertificate({
    userCertificate: asn1js.Integer.fromBigInt(BigInt(`0x${revocation.serialNumber}`)),
    revocationDate: x509Time(wholeSeconds(revocation.revokedAt)),
    ...(extensions ? { crlEntryExtensions: extensions } : {}),
  });
}

/** RFC 5280 5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050. */
function x509Time(date: Date): pkijs.Time {
  const year = date.getUTCFullYear();
  return new pkijs.Time({ type: year >= 1950 && year < 2050 ? 0 : 1, value: date });
}

/** X.509 times carry no fractions (RFC 5280 4.1.2.5.2); keep what is encoded. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
