import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLabPki, queryOcsp, type Certificate } from '../../src/pki/index.js';
import type { StartedOcspResponder } from '../../src/lab/index.js';
import { startTestLab } from '../support/test-lab.js';

/**
 * The builtin OCSP responder learns a CA put in place mid-run (ca-rotation): real OCSP requests
 * over loopback, answers judged the way the gateway judges them (queryOcsp: signed by the issuer
 * asked about, for this serial).
 */

async function statusOf(responder: StartedOcspResponder, leaf: Certificate, issuer: Certificate): Promise<string> {
  const result = await queryOcsp(leaf, issuer, responder.url, { timeoutMs: 3_000 });
  return result.kind === 'answer' ? result.single.status : result.kind;
}

async function builtinLab() {
  const pki = await buildLabPki({ clients: 1 });
  const { lab } = await startTestLab(
    { gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 1_000, timeoutMs: 1_000 } }, ocspResponder: { kind: 'builtin' } },
    pki,
  );
  return { pki, lab, responder: lab.ocspResponder! };
}

describe('builtin OCSP responder with an added issuer', () => {
  it('answers good for a leaf of the added issuer, signed by that issuer, and still for the first one', async () => {
    const { pki, responder } = await builtinLab();
    const newIntermediate = pki.root.issueIntermediate({ subject: 'Lab Intermediate 2', pathLength: 0 });
    const newLeaf = newIntermediate.issueClient({ subject: 'client-1' }).certificate;
    const oldLeaf = pki.clients[0]!.certificate;
    // Before: the responder does not know the new CA, so no answer a gateway could use.
    expect(await statusOf(responder, newLeaf, newIntermediate.certificate)).toBe('unusable');

    await responder.addIssuer!(newIntermediate);
    expect(await statusOf(responder, newLeaf, newIntermediate.certificate)).toBe('good');
    expect(await statusOf(responder, oldLeaf, pki.intermediate.certificate)).toBe('good');
  });

  it('writes the added CA\'s key 0600 beside the first one\'s, in the run\'s PKI folder', async () => {
    const { pki, responder, lab } = await builtinLab();
    const newIntermediate = pki.root.issueIntermediate({ subject: 'Lab Intermediate 2', pathLength: 0 });
    await responder.addIssuer!(newIntermediate);
    // start-lab.ts: <run>/components for configs and logs, <run>/pki (removed at stop) for keys.
    const keyDir = join(dirname(lab.workDir), 'pki', 'ca');
    const added = join(keyDir, 'ocsp-builtin-issuer-2.key.pem');
    expect((await stat(added)).mode & 0o777).toBe(0o600);
    expect(await readFile(added, 'utf8')).toBe(newIntermediate.credential.keyPem);
    expect((await stat(join(keyDir, 'intermediate.key.pem'))).isFile()).toBe(true);
  });

  it('keeps revocations per issuer: the same serial revoked under one CA stays good under the other', async () => {
    const { pki, responder } = await builtinLab();
    const oldLeaf = pki.clients[0]!.certificate;
    const newIntermediate = pki.root.issueIntermediate({ subject: 'Lab Intermediate 2', pathLength: 0 });
    // Serials are unique per issuer only (RFC 5280 4.1.2.2): a new CA may well reuse one.
    const twin = newIntermediate.issueClient({ subject: 'client-1', serialNumber: oldLeaf.serialNumber }).certificate;
    const added = await responder.addIssuer!(newIntermediate);

    await added.revoke(twin.serialNumber, 'keyCompromise');
    expect(await statusOf(responder, twin, newIntermediate.certificate)).toBe('revoked');
    expect(await statusOf(responder, oldLeaf, pki.intermediate.certificate)).toBe('good');

    await added.unrevoke(twin.serialNumber);
    await responder.revoke(oldLeaf.serialNumber, 'keyCompromise');
    expect(await statusOf(responder, oldLeaf, pki.intermediate.certificate)).toBe('revoked');
    expect(await statusOf(responder, twin, newIntermediate.certificate)).toBe('good');

    const late = newIntermediate.issueClient({ subject: 'client-late' }).certificate;
    expect(await statusOf(responder, late, newIntermediate.certificate)).toBe('unknown');
    await added.registerIssued([late.serialNumber]);
    expect(await statusOf(responder, late, newIntermediate.certificate)).toBe('good');
  });
});
