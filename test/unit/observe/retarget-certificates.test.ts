import { describe, expect, it } from 'vitest';
import { certificatesOfRetarget, labCertificates, reportingRetargets, RunMetrics } from '../../../src/observe/index.js';
import { buildLabPki } from '../../../src/pki/index.js';
import type { LoadControl } from '../../../src/load/index.js';

describe('certificates for the expiry gauge', () => {
  it('the lab PKI: root, intermediate, servers and clients, each once', async () => {
    const pki = await buildLabPki({ clients: 2 });
    const certificates = labCertificates(pki);
    expect(certificates.map((certificate) => certificate.role)).toEqual(['root', 'intermediate', 'server', 'client', 'client']);
    expect(certificates[3]).toEqual({
      role: 'client',
      subject: pki.clients[0]!.certificate.subjectText,
      serial: pki.clients[0]!.certificate.serialNumber,
      notAfter: pki.clients[0]!.certificate.notAfter,
    });
  });

  it('what a fault hands the load: client leaves, the intermediates above them, self-issued trust as roots; reported after the retarget', async () => {
    const pki = await buildLabPki({ clients: 1 });
    const client = pki.clients[0]!;
    const changes = { identities: [{ name: 'client-1', certPem: client.chainPem, keyPem: client.keyPem }], caPem: pki.root.certificate.pem };
    expect(certificatesOfRetarget(changes).map(({ role, serial }) => [role, serial])).toEqual([
      ['client', client.certificate.serialNumber],
      ['intermediate', pki.intermediate.certificate.serialNumber],
      ['root', pki.root.certificate.serialNumber],
    ]);
    const events: string[] = [];
    const load: LoadControl = {
      spec: { url: 'https://127.0.0.1:1/', identities: [], caPem: '' },
      retarget: async () => void events.push('retarget'),
    };
    const metrics = new RunMetrics();
    const reporting = reportingRetargets(load, (certificates) => {
      events.push(`report ${certificates.length}`);
      metrics.addCertificates(certificates);
    });
    await reporting.retarget(changes);
    await reporting.retarget(changes);
    expect(events).toEqual(['retarget', 'report 3', 'retarget', 'report 3']);
    // Handed out twice, charted once.
    expect((await metrics.exposition()).match(/^mtls_chaos_certificate_expiry_seconds\{/gm)).toHaveLength(3);
  });
});
