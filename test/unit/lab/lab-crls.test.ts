import { describe, expect, it } from 'vitest';
import { LabCrls } from '../../../src/lab/lab-crls.js';
import { buildLabPki, checkCrl, fromPem, type Certificate } from '../../../src/pki/index.js';

function crlBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN X509 CRL-----[^-]*-----END X509 CRL-----/g) ?? [];
}

/** What each CRL of the file says of `leaf` from `issuer`: listed, not-listed, or unusable (not its CRL). */
function verdicts(pem: string, leaf: Certificate, issuer: Certificate): string[] {
  return crlBlocks(pem).map((block) => checkCrl(fromPem('X509 CRL', block), leaf, issuer).kind);
}

describe('LabCrls: the CAs whose CRLs the gateway holds', () => {
  it('holds the intermediate\'s and the root\'s CRL, then an added CA\'s, once, with current revocations', async () => {
    const pki = await buildLabPki({ clients: 1 });
    const crls = new LabCrls(pki);
    expect(crlBlocks(crls.pem())).toHaveLength(2);

    const rotated = pki.root.issueIntermediate({ subject: 'Lab Intermediate 2', pathLength: 0 });
    const leaf = rotated.issueClient({ subject: 'client-1' }).certificate;
    // Not added yet: no CRL in the file is the new CA's (what made OpenSSL refuse its leaves).
    expect(verdicts(crls.pem(), leaf, rotated.certificate)).not.toContain('not-listed');
    crls.add(rotated);
    crls.add(rotated);
    expect(crlBlocks(crls.pem())).toHaveLength(3);
    expect(verdicts(crls.pem(), leaf, rotated.certificate)).toContain('not-listed');
    rotated.revoke(leaf.serialNumber, 'keyCompromise');
    expect(verdicts(crls.pem(), leaf, rotated.certificate)).toContain('listed');
  });
});
