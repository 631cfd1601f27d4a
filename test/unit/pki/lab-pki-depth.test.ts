import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildLabPki } from '../../../src/pki/index.js';

describe('buildLabPki intermediates (chain depth)', () => {
  it.each([0, 1, 2] as const)('builds leaf <- %d intermediate(s) <- root, and leaves carry every intermediate', async (intermediates) => {
    const pki = await buildLabPki({ clients: 1, intermediates });
    const chain = pki.clients[0]!.chainPem.match(/-----BEGIN CERTIFICATE-----/g)!;
    expect(chain).toHaveLength(1 + intermediates);
    expect(pki.intermediate.chain).toHaveLength(intermediates);
    // Each certificate is signed by the next one up; the top one by the root.
    const certificates = [pki.clients[0]!.certificate, ...pki.intermediate.chain, pki.root.certificate].map((cert) => new X509Certificate(cert.pem));
    for (let index = 0; index + 1 < certificates.length; index++) {
      expect(certificates[index]!.verify(certificates[index + 1]!.publicKey)).toBe(true);
    }
    expect(pki.root.pathLength).toBe(intermediates);
  });
});
