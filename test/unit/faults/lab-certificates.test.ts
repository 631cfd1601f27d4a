import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { currentWindow, expiredWindow, futureWindow, reissueClient, reissueWithValidity } from '../../../src/faults/lab-certificates.js';
import { splitPemCertificates, type ClientIdentity } from '../../../src/load/index.js';
import { buildLabPki, type LabPki } from '../../../src/pki/index.js';

let pki: LabPki;
let identities: ClientIdentity[];
const now = new Date('2026-01-01T12:00:00Z');
const certs = (pem: string) => splitPemCertificates(pem).map((block) => new X509Certificate(block));

beforeAll(async () => {
  pki = await buildLabPki({ clients: 2 });
  identities = pki.clients.map((client) => ({ name: client.name, certPem: client.chainPem, keyPem: client.keyPem }));
});

describe('reissueWithValidity', () => {
  it('client: every identity re-issued with the window, same key, subject and SPIFFE ID, sent with the intermediate', () => {
    const swap = reissueWithValidity(pki, 'client', expiredWindow(now), { identities });
    expect(swap.identities).toHaveLength(2);
    expect(swap.server).toBeUndefined();
    const [leaf, intermediate] = certs(swap.identities![0]!.certPem);
    const original = pki.clients[0]!.certificate.x509;
    expect(new Date(leaf!.validTo).getTime()).toBe(now.getTime() - 3_600_000);
    expect(leaf!.subject).toBe(original.subject);
    expect(leaf!.subjectAltName).toBe(original.subjectAltName);
    expect(leaf!.publicKey.export({ format: 'der', type: 'spki' })).toEqual(original.publicKey.export({ format: 'der', type: 'spki' }));
    expect(leaf!.checkIssued(intermediate!)).toBe(true);
    expect(leaf!.verify(pki.intermediate.certificate.x509.publicKey)).toBe(true);
    expect(swap.identities![0]!.keyPem).toBe(pki.clients[0]!.keyPem);
  });

  it('server: the gateway certificate with the same names, and its key', () => {
    const window = futureWindow(now);
    const swap = reissueWithValidity(pki, 'server', window, { identities });
    const [leaf] = certs(swap.server!.certificateChainPem);
    expect(new Date(leaf!.validFrom).getTime()).toBe(window.notBefore.getTime());
    expect(leaf!.subjectAltName).toBe(pki.servers[0]!.certificate.x509.subjectAltName);
    expect(swap.server!.keyPem).toBe(pki.servers[0]!.keyPem);
    expect(swap.identities).toBeUndefined();
  });

  it('intermediate: re-signed with its own key and name, in every client chain and the server chain; leaves untouched', () => {
    const swap = reissueWithValidity(pki, 'intermediate', expiredWindow(now), { identities });
    const [serverLeaf, intermediate] = certs(swap.server!.certificateChainPem);
    expect(serverLeaf!.raw).toEqual(pki.servers[0]!.certificate.der);
    expect(intermediate!.subject).toBe(pki.intermediate.certificate.x509.subject);
    expect(new Date(intermediate!.validTo).getTime()).toBeLessThan(now.getTime());
    // The untouched leaves still chain to it: same name, same key.
    expect(serverLeaf!.checkIssued(intermediate!)).toBe(true);
    expect(serverLeaf!.verify(intermediate!.publicKey)).toBe(true);
    expect(intermediate!.verify(pki.root.certificate.x509.publicKey)).toBe(true);
    for (const identity of swap.identities!) {
      const [leaf, carried] = certs(identity.certPem);
      expect(carried!.raw).toEqual(intermediate!.raw);
      expect(leaf!.checkIssued(carried!)).toBe(true);
    }
    expect(swap.trustBundlePem).toBeUndefined();
  });

  it('root: re-signed by itself with the same key, for the gateway trust bundle and what clients trust', () => {
    const swap = reissueWithValidity(pki, 'root', expiredWindow(now), { identities });
    expect(swap.caPem).toBe(swap.trustBundlePem);
    const [root] = certs(swap.trustBundlePem!);
    expect(root!.subject).toBe(pki.root.certificate.x509.subject);
    expect(root!.verify(root!.publicKey)).toBe(true);
    expect(pki.intermediate.certificate.x509.checkIssued(root!)).toBe(true);
    expect(new Date(root!.validTo).getTime()).toBeLessThan(now.getTime());
  });

  it('a renewal window is valid now', () => {
    const swap = reissueWithValidity(pki, 'client', currentWindow(new Date()), { identities });
    const [leaf] = certs(swap.identities![0]!.certPem);
    expect(new Date(leaf!.validFrom).getTime()).toBeLessThan(Date.now());
    expect(new Date(leaf!.validTo).getTime()).toBeGreaterThan(Date.now());
  });
});

describe('reissueClient', () => {
  it('replaces the URI SAN and can use a new key', () => {
    const identity = reissueClient(pki.clients[1]!, pki.intermediate, pki.intermediate.chain, { uris: ['spiffe://other.example/x'], newKey: true });
    const [leaf] = certs(identity.certPem);
    expect(leaf!.subjectAltName).toBe('URI:spiffe://other.example/x');
    expect(identity.keyPem).not.toBe(pki.clients[1]!.keyPem);
    expect(identity.name).toBe(pki.clients[1]!.name);
  });
});
