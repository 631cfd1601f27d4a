import type { OcspMode } from '../client-ocsp-check.js';

/** What the parent writes to a JSON file for the node gateway process: paths and options, no key material. */
export interface NodeGatewayProcessConfig {
  readonly name: string;
  readonly certificateChainFile: string;
  readonly keyFile: string;
  readonly trustBundleFile: string;
  readonly crlFile?: string;
  readonly ocsp?: {
    readonly mode: OcspMode;
    readonly cacheTtlMs: number;
    readonly timeoutMs: number;
    readonly responderUrl?: string;
  };
}

/** The PEM material a reload may replace; omitted parts stay as they are. */
export interface TlsMaterial {
  readonly certificateChainPem: string;
  readonly keyPem: string;
  readonly trustBundlePem: string;
  readonly crlPem?: string;
}

/** One string per CRL: OpenSSL's PEM reader behind Node's `crl` option takes the first block only. */
export function splitCrlPem(pem: string): string[] {
  return pem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g)?.map((block) => `${block}\n`) ?? [];
}
