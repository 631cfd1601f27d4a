import type { GatewayAuthorization, GatewayTlsPolicy } from '../gateway.js';
import type { OcspMode } from '../client-ocsp-check.js';

/** What the parent writes to a JSON file for the node gateway process: paths and options, no key material. */
export interface NodeGatewayProcessConfig {
  readonly name: string;
  readonly certificateChainFile: string;
  readonly keyFile: string;
  readonly trustBundleFile: string;
  readonly crlFile?: string;
  readonly authorization?: GatewayAuthorization;
  /** A plain-HTTP backend listener (behind a TLS terminator) that trusts only identities signed with this secret. */
  readonly identityBackend?: { readonly secretFile: string };
  readonly ocsp?: {
    readonly mode: OcspMode;
    readonly cacheTtlMs: number;
    readonly timeoutMs: number;
    readonly responderUrl?: string;
  };
  /** Where to listen: 127.0.0.1 port 0 (chosen by itself) when omitted; the docker runtime binds the container's interfaces on a fixed port. */
  readonly bind?: { readonly host: string; readonly port: number };
}

/** The PEM material a reload may replace; omitted parts stay as they are. */
export interface TlsMaterial {
  readonly certificateChainPem: string;
  readonly keyPem: string;
  readonly trustBundlePem: string;
  readonly crlPem?: string;
  readonly tlsPolicy?: GatewayTlsPolicy;
}

/**
 * The secure-context options of a TLS policy. Node takes TLS 1.2 ciphers and TLS 1.3 suites in
 * one `ciphers` string and disables TLS 1.3 when that string names no TLS_ suite, so a policy that
 * narrows one family keeps the defaults of the other.
 */
export function tlsPolicyOptions(policy: GatewayTlsPolicy | undefined, defaultCiphers: string): {
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
  sigalgs?: string;
} {
  if (!policy) return {};
  const defaults = defaultCiphers.split(':');
  const ciphers =
    policy.ciphers !== undefined || policy.ciphersuites !== undefined
      ? [
          policy.ciphersuites ?? defaults.filter((name) => name.startsWith('TLS_')).join(':'),
          policy.ciphers ?? defaults.filter((name) => !name.startsWith('TLS_')).join(':'),
        ]
          .filter(Boolean)
          .join(':')
      : undefined;
  return {
    ...(policy.minVersion ? { minVersion: policy.minVersion } : {}),
    ...(policy.maxVersion ? { maxVersion: policy.maxVersion } : {}),
    ...(ciphers ? { ciphers } : {}),
    ...(policy.sigalgs ? { sigalgs: policy.sigalgs } : {}),
  };
}

/** One string per CRL: OpenSSL's PEM reader behind Node's `crl` option takes the first block only. */
export function splitCrlPem(pem: string): string[] {
  return pem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g)?.map((block) => `${block}\n`) ?? [];
}
