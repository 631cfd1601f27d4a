import { describe, expect, it } from 'vitest';
import { caRotation, planRotation } from '../../../src/faults/ca-rotation.js';
import { expiry } from '../../../src/faults/expiry.js';
import { identityDrift } from '../../../src/faults/identity-drift.js';
import { notYetValid } from '../../../src/faults/not-yet-valid.js';
import { tlsPolicy } from '../../../src/faults/tls-policy.js';
import { X509Certificate } from 'node:crypto';
import { splitPemCertificates } from '../../../src/load/index.js';
import { buildLabPki } from '../../../src/pki/index.js';
import type { LabSpec } from '../../../src/lab/index.js';

const nodeLab: LabSpec = { gateway: { kind: 'node' } };

describe('expiry and not-yet-valid options', () => {
  it('parse a target and a late renewal in ms; default renewal is never', () => {
    expect(expiry.options.parse({ target: 'intermediate' })).toEqual({ target: 'intermediate', renewal: 'never' });
    expect(expiry.options.parse({ target: 'server', renewal: { after: '4s' } })).toEqual({ target: 'server', renewal: { after: 4_000 } });
    expect(expiry.create(expiry.options.parse({ target: 'server', renewal: { after: '4s' } })).describe()).toBe('server certificate expired, renewed 4s later');
  });

  it('refuse an unknown target, a bad duration and unknown fields', () => {
    expect(expiry.options.safeParse({ target: 'leaf' }).success).toBe(false);
    expect(expiry.options.safeParse({ target: 'client', renewal: { after: 'soon' } }).success).toBe(false);
    expect(expiry.options.safeParse({ target: 'client', when: '1s' }).success).toBe(false);
    expect(notYetValid.options.safeParse({ target: 'client' }).success).toBe(true);
    expect(notYetValid.options.safeParse({}).success).toBe(false);
  });
});

describe('ca-rotation', () => {
  it('defaults: overlap, bundle first, 3 s between the steps, not cross-signed', () => {
    expect(caRotation.options.parse({ ca: 'root' })).toEqual({ ca: 'root', bundle: 'overlap', order: 'bundle-first', stepDelay: 3_000, crossSigned: false });
  });

  it('refuses crossSigned for an intermediate rotation', () => {
    const parsed = caRotation.options.safeParse({ ca: 'intermediate', crossSigned: true });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['crossSigned']);
  });

  it('plans a root cutover (new root only), an overlap (both roots) and a cross-signed chain under the old root', async () => {
    const pki = await buildLabPki({ clients: 1 });
    const oldRoot = pki.root.certificate.x509;
    const roots = (pem: string) => splitPemCertificates(pem).map((block) => new X509Certificate(block));

    const cutover = planRotation(pki, { ca: 'root', bundle: 'cutover', crossSigned: false });
    expect(roots(cutover.trustBundlePem).map((root) => root.subject)).toEqual([cutover.issuer.root.certificate.x509.subject]);
    expect(cutover.issuer.root.certificate.x509.fingerprint256).not.toBe(oldRoot.fingerprint256);
    expect(cutover.chain[0]!.x509.checkIssued(cutover.issuer.root.certificate.x509)).toBe(true);

    const overlap = planRotation(pki, { ca: 'root', bundle: 'overlap', crossSigned: false });
    expect(roots(overlap.trustBundlePem)).toHaveLength(2);
    expect(roots(overlap.trustBundlePem)[0]!.fingerprint256).toBe(oldRoot.fingerprint256);

    const crossed = planRotation(pki, { ca: 'root', bundle: 'overlap', crossSigned: true });
    const cross = crossed.chain[0]!.x509;
    expect(cross.subject).toBe(crossed.issuer.certificate.x509.subject);
    expect(cross.checkIssued(oldRoot)).toBe(true);
    expect(cross.verify(oldRoot.publicKey)).toBe(true);
    // Same key as the new intermediate: the new leaves verify with either copy.
    const leaf = crossed.issuer.issueClient({ subject: 'x' }).certificate.x509;
    expect(leaf.verify(cross.publicKey)).toBe(true);
  });

  it('plans an intermediate rotation under the same root: the bundle lists the intermediates beside the root', async () => {
    const pki = await buildLabPki({ clients: 1 });
    const overlap = planRotation(pki, { ca: 'intermediate', bundle: 'overlap', crossSigned: false });
    expect(overlap.issuer.root).toBe(pki.root);
    expect(splitPemCertificates(overlap.trustBundlePem)).toHaveLength(3);
    expect(splitPemCertificates(planRotation(pki, { ca: 'intermediate', bundle: 'cutover', crossSigned: false }).trustBundlePem)).toHaveLength(2);
  });

  it('names the new CAs whose revocation status the lab publishes: the new intermediate, and for ca root the new root too', async () => {
    const pki = await buildLabPki({ clients: 1 });
    const intermediate = planRotation(pki, { ca: 'intermediate', bundle: 'overlap', crossSigned: false });
    expect(intermediate.cas).toEqual([intermediate.issuer]);
    const root = planRotation(pki, { ca: 'root', bundle: 'overlap', crossSigned: true });
    expect(root.cas).toEqual([root.issuer, root.issuer.root]);
    expect(root.cas[1]).not.toBe(pki.root);
  });

  it('refuses lab.ocspResponder kind openssl when the gateway checks OCSP (own config included), naming kind builtin as the fix', () => {
    const options = caRotation.options.parse({ ca: 'intermediate' });
    const openssl = { kind: 'openssl' } as const;
    const hardFail = { mode: 'hard-fail', cacheTtlMs: 1_000, timeoutMs: 1_000 } as const;
    expect(caRotation.requires?.(options, { gateway: { kind: 'node', ocsp: hardFail }, ocspResponder: openssl })).toMatch(
      /lab\.ocspResponder kind "openssl".*kind: builtin/,
    );
    expect(caRotation.requires?.(options, { gateway: { kind: 'nginx', config: 'team.conf' }, ocspResponder: openssl })).toMatch(/kind: builtin/);
    expect(caRotation.requires?.(options, { gateway: { kind: 'node', ocsp: { ...hardFail, mode: 'off' } }, ocspResponder: openssl })).toBeUndefined();
    expect(caRotation.requires?.(options, { gateway: { kind: 'node', ocsp: hardFail }, ocspResponder: { kind: 'builtin' } })).toBeUndefined();
    expect(caRotation.requires?.(options, nodeLab)).toBeUndefined();
  });
});

describe('tls-policy options', () => {
  it('needs at least one policy field and a sane version range', () => {
    expect(tlsPolicy.options.safeParse({}).success).toBe(false);
    expect(tlsPolicy.options.safeParse({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' }).success).toBe(false);
    expect(tlsPolicy.options.safeParse({ ciphers: 'ECDHE; rm -rf' }).success).toBe(false);
    expect(tlsPolicy.options.parse({ minVersion: 'TLSv1.3' })).toEqual({ side: 'gateway', minVersion: 'TLSv1.3' });
    // A side alone is no policy.
    expect(tlsPolicy.options.safeParse({ side: 'clients' }).success).toBe(false);
  });

  it('narrows the clients\' offer from the harness side, on any gateway, and gives load.tls back on heal', async () => {
    const externalLab = { gateway: { kind: 'external', address: '127.0.0.1:8443', ca: '/x.pem' } } as const;
    const clients = tlsPolicy.options.parse({ side: 'clients', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', ciphersuites: 'TLS_AES_128_GCM_SHA256' });
    expect(tlsPolicy.requires?.(clients, externalLab)).toBeUndefined();
    expect(tlsPolicy.requires?.(tlsPolicy.options.parse({ maxVersion: 'TLSv1.2' }), externalLab)).toMatch(/needs a gateway the lab runs/);
    const offers: unknown[] = [];
    const load = { spec: { tls: { minVersion: 'TLSv1.2' } }, retarget: async (changes: { tls?: unknown }) => void offers.push(changes.tls) };
    const fault = tlsPolicy.create(clients);
    const context = { load, lab: { gateway: { reload: () => Promise.reject(new Error('the gateway must not be reloaded')) } } } as never;
    await fault.inject(context);
    await fault.heal(context);
    expect(offers).toEqual([{ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256' }, { minVersion: 'TLSv1.2' }]);
  });
});

describe('identity-drift', () => {
  it('requires a SAN allow-list on the gateway', () => {
    const options = identityDrift.options.parse({});
    expect(identityDrift.requires?.(options, nodeLab)).toMatch(/lab\.gateway\.authorization/);
    expect(identityDrift.requires?.(options, { gateway: { kind: 'node', authorization: { allowSans: ['spiffe://a/b'] } } })).toBeUndefined();
    expect(options.san).toBe('spiffe://drifted.example.org/ns/lab/sa/{name}');
  });
});
