import { X509Certificate } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { MtlsChaosError, UsageError } from '../errors.js';
import { PreparedIdentity, splitPemCertificates, type ClientIdentity, type ClientTlsOffer } from './client-identity.js';
import { ClientCertificateDiagnoser, type ServerReasonHook } from './diagnose-client-certificate.js';
import { RevocationLookup, type RevocationFetchScope } from './revocation-lookup.js';

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 5_000;

/**
 * Where load goes and as whom. Any https URL is accepted here: `probe` and `load` exist so that an
 * SRE can point them at a staging gateway of their own (the lab itself only ever binds 127.0.0.1).
 * Whether a target outside loopback may be loaded is decided before this, by guardTarget
 * (target-guard.ts), which the commands call first.
 */
export interface LoadTargetSpec {
  /** https://host[:port][/path]; the path is requested with GET. */
  readonly url: string;
  /** Client identities, used round-robin; none means attempts send no client certificate. */
  readonly identities: readonly ClientIdentity[];
  /** CA bundle (PEM) that verifies the server's certificate. */
  readonly caPem: string;
  /**
   * CA bundle the gateway trusts for *client* certificates, used only to diagnose a refusal the
   * gateway did not explain. No default: caPem verifies the server and says nothing about what
   * the gateway trusts for clients, so without this the path is "not checked", never unknown_ca.
   */
  readonly clientCaPem?: string;
  /** Which OCSP responders and CRL distribution points a diagnosis may ask; default loopback only. */
  readonly revocationFetch?: RevocationFetchScope;
  /** SNI and the name the server certificate must carry; defaults to the URL's host name. */
  readonly servername?: string;
  readonly timeoutMs?: number;
  /** Offer the identity's last TLS session for resumption; default true. */
  readonly resume?: boolean;
  readonly serverReason?: ServerReasonHook;
  /** Restrict what the clients offer (TLS versions, ciphers, signature algorithms); default Node's. */
  readonly tls?: ClientTlsOffer;
}

/** A target with everything per-run done once: DNS resolved, secure contexts built, request encoded. */
export interface ResolvedTarget {
  readonly url: string;
  /** The address connected to (resolved once: a DNS lookup per attempt would be measured as connect time). */
  readonly address: string;
  readonly port: number;
  /** SNI; undefined for an IP literal (RFC 6066 3 forbids IP addresses in server_name). */
  readonly servername: string | undefined;
  /** The name checked against the server certificate's SANs. */
  readonly verifyHost: string;
  readonly request: Buffer;
  readonly timeoutMs: number;
  readonly resume: boolean;
  readonly identities: readonly PreparedIdentity[];
  readonly diagnoser: ClientCertificateDiagnoser;
  readonly serverReason: ServerReasonHook | undefined;
}

export interface ParsedTargetUrl {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly hostHeader: string;
}

export function parseTargetUrl(text: string): ParsedTargetUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new UsageError('E_URL', `"${text}" is not a URL`, { hint: 'give an https URL such as https://127.0.0.1:8443/', cause: error });
  }
  if (url.protocol !== 'https:') {
    throw new UsageError('E_URL', `only https:// URLs can be probed or loaded; got ${url.protocol}//`, {
      hint: 'mTLS needs TLS: use https://host:port/',
    });
  }
  // URL keeps brackets around IPv6 literals; sockets and certificates want the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port ? Number(url.port) : 443, path: `${url.pathname}${url.search}` || '/', hostHeader: url.host };
}

export async function resolveTarget(spec: LoadTargetSpec): Promise<ResolvedTarget> {
  const parsed = parseTargetUrl(spec.url);
  let address = parsed.host;
  if (isIP(address) === 0) {
    try {
      address = (await lookup(parsed.host)).address;
    } catch (error) {
      throw new MtlsChaosError('E_LOAD_DNS', `cannot resolve ${parsed.host}: ${(error as Error).message}`, {
        hint: 'check the host name in the URL, or use an IP address with --servername for the certificate name',
        cause: error,
      });
    }
  }
  const servername = spec.servername ?? (isIP(parsed.host) === 0 ? parsed.host : undefined);
  const identities =
    spec.identities.length > 0
      ? spec.identities.map((identity) => PreparedIdentity.fromIdentity(identity, spec.caPem, spec.tls))
      : [PreparedIdentity.anonymous(spec.caPem, spec.tls)];
  const parseBundle = (pem: string) => splitPemCertificates(pem).map((text) => new X509Certificate(text));
  const clientCaAnchors = spec.clientCaPem === undefined ? undefined : parseBundle(spec.clientCaPem);
  const request = Buffer.from(
    `GET ${parsed.path} HTTP/1.1\r\nHost: ${parsed.hostHeader}\r\nUser-Agent: mtls-chaos\r\nAccept: */*\r\nConnection: close\r\n\r\n`,
    'latin1',
  );
  return {
    url: spec.url,
    address,
    port: parsed.port,
    servername: servername !== undefined && isIP(servername) !== 0 ? undefined : servername,
    verifyHost: servername ?? parsed.host,
    request,
    timeoutMs: spec.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS,
    resume: spec.resume ?? true,
    identities,
    diagnoser: new ClientCertificateDiagnoser({
      ...(clientCaAnchors && clientCaAnchors.length > 0 ? { clientCaAnchors } : {}),
      issuerCandidates: parseBundle(spec.caPem),
      revocation: new RevocationLookup({ scope: spec.revocationFetch ?? 'loopback' }),
    }),
    serverReason: spec.serverReason,
  };
}
