import { describe, expect, it } from 'vitest';
import type { FaultContext } from '../../../src/faults/index.js';
import { revocation } from '../../../src/faults/revocation.js';
import type { GatewayReloadFiles, LabSpec } from '../../../src/lab/index.js';
import { LabCrls } from '../../../src/lab/lab-crls.js';
import { buildLabPki } from '../../../src/pki/index.js';

const ocspLab: LabSpec = {
  gateway: { kind: 'node', ocsp: { mode: 'hard-fail', cacheTtlMs: 3_000, timeoutMs: 1_000 } },
  ocspResponder: { kind: 'builtin' },
};
const crlLab: LabSpec = { gateway: { kind: 'nginx', crl: true } };

/** A fault context whose lab records what the fault asked of the responder and the gateway. */
async function fakeContext() {
  const pki = await buildLabPki({ clients: 2 });
  const calls: string[] = [];
  const reloads: GatewayReloadFiles[] = [];
  const lab = {
    crls: new LabCrls(pki),
    gateway: { reload: async (files: GatewayReloadFiles) => void reloads.push(files) },
    ocspResponder: {
      revoke: async (serial: string, reason: string) => void calls.push(`revoke ${serial} ${reason}`),
      unrevoke: async (serial: string) => void calls.push(`unrevoke ${serial}`),
    },
  };
  const context = { lab, pki, log: () => undefined, signal: new AbortController().signal } as unknown as FaultContext;
  return { pki, calls, reloads, context };
}

describe('revocation fault', () => {
  it('defaults to the first identity through OCSP', () => {
    expect(revocation.options.parse({})).toEqual({ identity: 0, via: 'ocsp' });
    expect(revocation.options.safeParse({ identity: -1 }).success).toBe(false);
    expect(revocation.options.safeParse({ via: 'dns' }).success).toBe(false);
  });

  it('names the lab field each path needs', () => {
    expect(revocation.requires!({ identity: 0, via: 'ocsp' }, ocspLab)).toBeUndefined();
    expect(revocation.requires!({ identity: 0, via: 'ocsp' }, crlLab)).toMatch(/needs lab.ocspResponder/);
    expect(revocation.requires!({ identity: 0, via: 'crl' }, crlLab)).toBeUndefined();
    expect(revocation.requires!({ identity: 0, via: 'crl' }, ocspLab)).toMatch(/needs lab.gateway.crl: true/);
    expect(revocation.requires!({ identity: 0, via: 'both' }, { ...ocspLab, gateway: { ...ocspLab.gateway, crl: true } })).toBeUndefined();
  });

  it('revokes at the CA, the responder and in a reloaded CRL, watches that identity, and takes it all back on heal', async () => {
    const { pki, calls, reloads, context } = await fakeContext();
    const fault = revocation.create({ identity: 1, via: 'both' });
    const client = pki.clients[1]!;
    const serial = client.certificate.serialNumber;
    expect(fault.effect!(context)).toEqual({ category: 'cert_revoked', identity: client.name });

    await fault.inject(context);
    expect(pki.intermediate.statusOf(serial).status).toBe('revoked');
    expect(pki.clients[0] && pki.intermediate.statusOf(pki.clients[0].certificate.serialNumber).status).toBe('good');
    expect(calls).toEqual([`revoke ${serial} keyCompromise`]);
    expect(reloads).toHaveLength(1);
    // The intermediate's CRL (for leaves) and the root's (for the intermediate), as the lab loads them.
    expect(reloads[0]!.crlPem!.match(/BEGIN X509 CRL/g)).toHaveLength(2);

    await fault.heal(context);
    expect(pki.intermediate.statusOf(serial).status).toBe('good');
    expect(calls).toEqual([`revoke ${serial} keyCompromise`, `unrevoke ${serial}`]);
    expect(reloads).toHaveLength(2);
  });

  it('keeps a rotated-in CA\'s CRL in the reloaded file (ca-rotation added it to the lab\'s CRLs)', async () => {
    const { pki, reloads, context } = await fakeContext();
    context.lab.crls!.add(pki.root.issueIntermediate({ subject: 'Lab Intermediate 2', pathLength: 0 }));
    await revocation.create({ identity: 0, via: 'crl' }).inject(context);
    expect(reloads[0]!.crlPem!.match(/BEGIN X509 CRL/g)).toHaveLength(3);
  });

  it('fails the inject clearly for an identity the PKI does not have', async () => {
    const { context } = await fakeContext();
    await expect(revocation.create({ identity: 5, via: 'ocsp' }).inject(context)).rejects.toThrow(/identity 5 does not exist: the PKI has 2/);
  });
});
