/** CRLReason codes (RFC 5280 5.3.1); the same names appear in OCSP's RevokedInfo. */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

export interface Revocation {
  readonly serialNumber: string;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

/** What a CA says about a serial number: the answer an OCSP responder gives. */
export type CertificateStatus =
  | { readonly status: 'good' }
  | { readonly status: 'revoked'; readonly revokedAt: Date; readonly reason: RevocationReason }
  | { readonly status: 'unknown' };

/** Normalises a serial to upper-case hex without leading zeros, the form certificates use here. */
export function normaliseSerial(serialNumber: string): string {
  const hex = serialNumber.replace(/[:\s]/g, '').toUpperCase().replace(/^0+(?=.)/, '');
  if (!/^[0-9A-F]+$/.test(hex)) throw new RangeError(`not a hexadecimal serial number: ${serialNumber}`);
  return hex;
}
