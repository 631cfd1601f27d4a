import type { Certificate, LabPki } from '../pki/index.js';
import type { CertificateSummary, RunResult } from '../result/index.js';

/** How many client certificates a result lists by name; the rest are counted. */
const CLIENT_SAMPLE = 5;

export function summariseCertificate(certificate: Certificate): CertificateSummary {
  return {
    subject: certificate.subjectText,
    serialNumber: certificate.serialNumber,
    keyAlgorithm: certificate.keyAlgorithm,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
  };
}

/** The lab PKI as a report shows it: subjects, lifetimes, algorithms; never a key. */
export function summarisePki(pki: LabPki): NonNullable<RunResult['lab']['pki']> {
  return {
    algorithm: pki.algorithm,
    root: summariseCertificate(pki.root.certificate),
    // Top-down, as the hierarchy reads (the chain is leaf-side first); none when leaves hang off the root.
    intermediates: [...pki.intermediate.chain].reverse().map(summariseCertificate),
    servers: pki.servers.map((server) => summariseCertificate(server.certificate)),
    clients: {
      count: pki.clients.length,
      sample: pki.clients.slice(0, CLIENT_SAMPLE).map((client) => summariseCertificate(client.certificate)),
    },
  };
}
