import { describe, expect, it } from 'vitest';
import { certificateFromDer, certificateFromPem } from '../../../src/pki/certificate-from-der.js';
import { buildLabPki } from '../../../src/pki/index.js';

describe('certificateFromDer', () => {
  it('rebuilds the facts the OCSP code needs, byte for byte', async () => {
    const pki = await buildLabPki({ clients: 1, algorithm: 'ecdsa-p256' });
    for (const original of [pki.root.certificate, pki.intermediate.certificate, pki.clients[0]!.certificate]) {
      const copy = certificateFromDer(original.der);
      expect(copy.serialNumber).toBe(original.serialNumber);
      expect(copy.subject).toEqual(original.subject);
      expect(copy.subjectDer.equals(original.subjectDer)).toBe(true);
      expect(copy.issuerDer.equals(original.issuerDer)).toBe(true);
      expect(copy.subjectKeyId.equals(original.subjectKeyId)).toBe(true);
      expect(copy.notBefore.getTime()).toBe(original.notBefore.getTime());
      expect(copy.notAfter.getTime()).toBe(original.notAfter.getTime());
      expect(copy.isCa).toBe(original.isCa);
      expect(copy.keyAlgorithm).toBe(original.keyAlgorithm);
      expect(certificateFromPem(original.pem).der.equals(original.der)).toBe(true);
    }
  });
});
