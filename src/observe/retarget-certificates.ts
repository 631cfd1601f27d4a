import type { LoadControl } from '../load/index.js';
import { certificateFromDer, splitPemBundle, type Certificate } from '../pki/index.js';
import type { IssuedCertificate } from './run-metrics.js';

type Retarget = Parameters<LoadControl['retarget']>[0];

/**
 * The certificates a fault hands the load mid-run (expiry, not-yet-valid, ca-rotation,
 * identity-drift, stale-replicas re-issue client certificates and trust this way): each client
 * chain's leaf is a client, the certificates above it intermediates; a trust bundle's
 * self-issued certificates are roots.
 */
export function certificatesOfRetarget(changes: Retarget): IssuedCertificate[] {
  const issued: IssuedCertificate[] = [];
  for (const identity of changes.identities ?? []) {
    parse(identity.certPem).forEach((certificate, index) => issued.push(describe(index === 0 ? 'client' : 'intermediate', certificate)));
  }
  for (const bundle of [changes.caPem, changes.clientCaPem]) {
    for (const certificate of parse(bundle ?? '')) issued.push(describe(certificate.subjectDer.equals(certificate.issuerDer) ? 'root' : 'intermediate', certificate));
  }
  return issued;
}

/** `load` with every retarget's certificates reported after it took effect; `spec` stays live. */
export function reportingRetargets(load: LoadControl, report: (certificates: IssuedCertificate[]) => void): LoadControl {
  return {
    get spec() {
      return load.spec;
    },
    async retarget(changes) {
      await load.retarget(changes);
      report(certificatesOfRetarget(changes));
    },
  };
}

function parse(pem: string): Certificate[] {
  try {
    return splitPemBundle(pem).map((der) => certificateFromDer(der));
  } catch {
    return []; // a fault's own hostile material (identity-drift's foreign CA): not ours to chart
  }
}

function describe(role: string, certificate: Certificate): IssuedCertificate {
  return { role, subject: certificate.subjectText, serial: certificate.serialNumber, notAfter: certificate.notAfter };
}
