import type { Certificate, LabPki } from '../pki/index.js';
import type { IssuedCertificate } from './run-metrics.js';

/** Every certificate of the lab PKI with its role, for the expiry gauge (root first, then down the hierarchy). */
export function labCertificates(pki: LabPki): IssuedCertificate[] {
  const issued = (role: string, certificate: Certificate): IssuedCertificate => ({
    role,
    subject: certificate.subjectText,
    serial: certificate.serialNumber,
    notAfter: certificate.notAfter,
  });
  return [
    issued('root', pki.root.certificate),
    // The chain is leaf-side first and holds no root; empty when leaves hang off the root. A
    // team's issuer (pki.issuer) is both the root of the lab and its own chain: listed once.
    ...[...pki.intermediate.chain]
      .reverse()
      .filter((certificate) => certificate !== pki.root.certificate)
      .map((certificate) => issued('intermediate', certificate)),
    ...pki.servers.map((server) => issued('server', server.certificate)),
    ...pki.clients.map((client) => issued('client', client.certificate)),
  ];
}
