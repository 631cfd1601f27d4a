import { buildLabPki, type Credential, type LabPki } from '../../src/pki/index.js';

/** A lab PKI with one client of each kind a gateway must tell apart, and a second, foreign PKI. */
export interface GatewayTestPki {
  readonly pki: LabPki;
  readonly good: Credential;
  readonly expired: Credential;
  /** Good at start; a test revokes it (OCSP) while the lab runs. */
  readonly revokedLater: Credential;
  /** Revoked (keyCompromise) before the lab starts, so in the first CRL and OCSP answers. */
  readonly revokedAtStart: Credential;
  /** A client of foreignPki, which the lab does not trust. */
  readonly foreign: Credential;
  readonly foreignPki: LabPki;
}

export async function buildGatewayTestPki(): Promise<GatewayTestPki> {
  const pki = await buildLabPki({ clients: 1 });
  const expired = pki.intermediate.issueClient({
    subject: 'expired-client',
    notBefore: new Date(Date.now() - 2 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
  });
  const revokedLater = pki.intermediate.issueClient({ subject: 'revoked-later' });
  const revokedAtStart = pki.intermediate.issueClient({ subject: 'revoked-at-start' });
  pki.intermediate.revoke(revokedAtStart.certificate.serialNumber, 'keyCompromise');
  const foreignPki = await buildLabPki({ clients: 1, organization: 'someone else' });
  return { pki, good: pki.clients[0]!, expired, revokedLater, revokedAtStart, foreign: foreignPki.clients[0]!, foreignPki };
}
