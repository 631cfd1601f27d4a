import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { UsageError } from '../errors.js';

/** A client certificate (leaf first, then its intermediates) and its private key, as PEM. */
export interface ClientIdentity {
  /** How reports name this identity (usually the certificate's CN). */
  readonly name: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * What the clients offer in the handshake when it should be less than Node's default (TLS 1.2 and
 * 1.3, OpenSSL's default suites and signature algorithms): a fleet of older clients, against which
 * a gateway's TLS policy change is measured. OpenSSL syntax, as tls.createSecureContext takes it.
 */
export interface ClientTlsOffer {
  readonly minVersion?: tls.SecureVersion;
  readonly maxVersion?: tls.SecureVersion;
  /** OpenSSL cipher list (TLS 1.2 names and/or TLS 1.3 suite names). */
  readonly ciphers?: string;
  /** OpenSSL signature algorithm list, e.g. "ECDSA+SHA256:RSA-PSS+SHA256". */
  readonly sigalgs?: string;
}

/** The name attempts made without any client certificate are reported under. */
export const ANONYMOUS_IDENTITY_NAME = 'anonymous';

/**
 * Everything an attempt needs for one identity, built once per run: docs/ARCHITECTURE.md ("Load generator costs") records that a new
 * secure context per connection halves the handshake rate, and that parsing certificates per
 * attempt costs more than the handshake's own bookkeeping. The latest TLS session is kept for
 * resumption (RFC 8446 2.2: a TLS 1.3 ticket arrives after the handshake, in the `session` event).
 */
export class PreparedIdentity {
  /** The last session ticket the server gave this identity; reused when resumption is on. */
  session: Buffer | undefined;
  private certificatesCache: readonly X509Certificate[] | undefined;

  private constructor(
    readonly name: string,
    readonly secureContext: tls.SecureContext,
    /** PEM of the leaf + chain the client sends; undefined when the identity sends no certificate. */
    readonly certPem: string | undefined,
  ) {}

  /**
   * @param caPem the CA bundle that verifies the *server's* certificate.
   */
  static fromIdentity(identity: ClientIdentity, caPem: string, offer: ClientTlsOffer = {}): PreparedIdentity {
    let secureContext: tls.SecureContext;
    try {
      secureContext = tls.createSecureContext({ cert: identity.certPem, key: identity.keyPem, ca: caPem, ...offer });
    } catch (error) {
      // OpenSSL says e.g. "key values mismatch" or "no start line": name the identity it was about.
      throw new UsageError('E_LOAD_IDENTITY', `client identity ${identity.name}: ${(error as Error).message}`, {
        hint: 'give a PEM certificate (leaf first, then intermediates), its matching private key, and a PEM CA bundle',
        cause: error,
      });
    }
    return new PreparedIdentity(identity.name, secureContext, identity.certPem);
  }

  /** An identity that sends no client certificate: what a gateway does without one. */
  static anonymous(caPem: string, offer: ClientTlsOffer = {}): PreparedIdentity {
    return new PreparedIdentity(ANONYMOUS_IDENTITY_NAME, tls.createSecureContext({ ca: caPem, ...offer }), undefined);
  }

  get sendsCertificate(): boolean {
    return this.certPem !== undefined;
  }

  /** The client's own certificates, leaf first, parsed once on first use (diagnosis only). */
  get certificates(): readonly X509Certificate[] {
    this.certificatesCache ??= this.certPem === undefined ? [] : splitPemCertificates(this.certPem).map((pem) => new X509Certificate(pem));
    return this.certificatesCache;
  }
}

/** Splits a PEM bundle into its CERTIFICATE blocks (other blocks, such as keys, are ignored). */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
