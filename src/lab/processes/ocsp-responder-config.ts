import type { CertificateStatus, RevocationReason } from '../../pki/index.js';

/** One CA the responder answers for; also the payload of the `addIssuer` IPC request. The key file is mode 0600 in the run's PKI folder. */
export interface OcspIssuerConfig {
  readonly issuerCertificateFile: string;
  readonly issuerKeyFile: string;
  /** Serials the issuer issued: anything else is answered `unknown` (RFC 6960 2.2). */
  readonly issued: readonly string[];
  readonly revocations: readonly { readonly serialNumber: string; readonly revokedAt: string; readonly reason: RevocationReason }[];
}

/** What the parent writes for the OCSP responder process: the first issuer it answers for, and how. */
export interface OcspResponderProcessConfig extends OcspIssuerConfig {
  readonly name: string;
  /** nextUpdate - thisUpdate of every answer (openssl ocsp -nmin); default 1 h. nginx caches an answer until its nextUpdate. */
  readonly validityMs?: number;
  /** Where to listen: 127.0.0.1 port 0 (chosen by itself) when omitted; the docker runtime binds the container's interfaces on a fixed port. */
  readonly bind?: { readonly host: string; readonly port: number };
}

/**
 * How the responder misbehaves, for ocsp-outage drills. `normal` answers from the CA state;
 * the others are the failure modes of the ocsp-outage fault (src/faults/ocsp-outage.ts).
 */
export type OcspResponderMode =
  | { readonly kind: 'normal' }
  /** Not listening: connections are refused; leaving this mode listens again on the same port. */
  | { readonly kind: 'down' }
  /** An OCSPResponse with this error status and no body (RFC 6960 4.2.1). */
  | { readonly kind: 'error-status'; readonly status: 'tryLater' | 'internalError' | 'unauthorized' | 'sigRequired' | 'malformedRequest' }
  | { readonly kind: 'http-error'; readonly httpStatus: number }
  /** Accepts the connection and never answers. */
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** Bytes that are not an OCSPResponse. */
  | { readonly kind: 'garbage' }
  /** Answers whose nextUpdate is already past. */
  | { readonly kind: 'stale' }
  /** Answers this status for every certificate. */
  | { readonly kind: 'override'; readonly status: 'good' | 'revoked' | 'unknown' };

export type SerializedStatus = CertificateStatus;
