/**
 * Process entry of the `node` gateway: an HTTPS server on 127.0.0.1 that asks for a client
 * certificate and judges it itself. Forked by components/node-gateway.ts; config file path in argv[2].
 *
 * Why rejectUnauthorized is false: with true, Node ends a TLS 1.3 connection after the client's
 * handshake has completed without an alert, so the client never learns why (docs/ARCHITECTURE.md, "How
 * gateways refuse a client certificate"). Deciding from socket.authorizationError and answering
 * HTTP 495/496 with the reason in a header keeps the verdict visible to the load generator.
 */
import type { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { DEFAULT_CIPHERS, type TLSSocket } from 'node:tls';
import type { ErrorCategory } from '../../metrics/error-category.js';
import type { Certificate } from '../../pki/index.js';
import { ClientOcspCheck } from '../client-ocsp-check.js';
import { verifyForwardedIdentity } from '../forwarded-identity.js';
import { certificateFromDer } from '../../pki/certificate-from-der.js';
import { REASON_HEADER, REPLICA_HEADER } from '../gateway-headers.js';
import { reportReady, serveParentRequests } from '../ipc.js';
import { categoryOfVerifyCode } from '../verify-error-category.js';
import { splitCrlPem, tlsPolicyOptions, type NodeGatewayProcessConfig, type TlsMaterial } from './node-gateway-config.js';

interface Verdict {
  readonly category?: ErrorCategory;
  readonly detail?: string;
  readonly identity?: ClientIdentity;
}

interface ClientIdentity {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly uris: string[];
  readonly dnsNames: string[];
  readonly notAfter: string;
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as NodeGatewayProcessConfig;
let material: TlsMaterial = {
  certificateChainPem: readFileSync(config.certificateChainFile, 'utf8'),
  keyPem: readFileSync(config.keyFile, 'utf8'),
  trustBundlePem: readFileSync(config.trustBundleFile, 'utf8'),
  ...(config.crlFile ? { crlPem: readFileSync(config.crlFile, 'utf8') } : {}),
};
const ocspCheck = config.ocsp ? new ClientOcspCheck(config.ocsp) : undefined;
let lastOcspProblem: string | undefined;
const issuersByName = new Map<string, Certificate>();

function secureContextOptions(tls: TlsMaterial) {
  return {
    cert: tls.certificateChainPem,
    key: tls.keyPem,
    ca: tls.trustBundlePem,
    // Node's addCRL reads one CRL per string and turns on CRL_CHECK_ALL: every CA in the path
    // needs its CRL (the intermediate's for leaves, the root's for the intermediate).
    ...(tls.crlPem ? { crl: splitCrlPem(tls.crlPem) } : {}),
    ...tlsPolicyOptions(tls.tlsPolicy, DEFAULT_CIPHERS),
  };
}

const server = createServer(
  {
    ...secureContextOptions(material),
    requestCert: true,
    rejectUnauthorized: false,
  },
  (request, response) => {
    void answer(request, response);
  },
);
// Long enough for keep-alive load (autocannon) to reuse connections across its pauses.
server.keepAliveTimeout = 30_000;
server.headersTimeout = 35_000;

/** A connection's verdict is computed once and reused by every request on it (keep-alive). */
const verdicts = new WeakMap<TLSSocket, Promise<Verdict>>();

async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const socket = request.socket as TLSSocket;
  let verdict = verdicts.get(socket);
  if (!verdict) {
    verdict = judge(socket);
    verdicts.set(socket, verdict);
  }
  let result: Verdict;
  try {
    result = await verdict;
  } catch (error) {
    result = { category: 'bad_certificate', detail: (error as Error).message };
  }
  request.resume();
  respond(response, result);
}

function respond(response: ServerResponse, result: Verdict): void {
  if (result.category) {
    // 495 "SSL Certificate Error" / 496 "SSL Certificate Required": nginx's codes for these cases
    // (it turns them into 400 on the wire; we keep them, with the reason next to them).
    // 403 for an authorization refusal: the certificate was fine, the identity is not allowed.
    const status = result.category === 'certificate_required' ? 496 : result.category === 'forbidden' ? 403 : 495;
    const body = `${result.category}${result.detail ? `: ${result.detail}` : ''}\n`;
    response.writeHead(status, {
      [REASON_HEADER]: result.category,
      [REPLICA_HEADER]: config.name,
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    response.end(body);
    return;
  }
  const body = JSON.stringify({ replica: config.name, client: result.identity });
  response.writeHead(200, {
    [REPLICA_HEADER]: config.name,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

/**
 * Parsing a certificate into the pki view (asn1js) costs milliseconds, and the same few client
 * certificates arrive on every handshake: parse each once. Measured on the baseline drill: OCSP
 * soft-fail took the gateway from 36% to 67% CPU at 50/s before this cache.
 */
const parsedCertificates = new Map<string, Certificate>();
const PARSED_CERTIFICATES_MAX = 10_000;

function parsedCertificate(x509: X509Certificate): Certificate {
  const key = x509.fingerprint256;
  let parsed = parsedCertificates.get(key);
  if (!parsed) {
    if (parsedCertificates.size >= PARSED_CERTIFICATES_MAX) parsedCertificates.clear();
    parsed = certificateFromDer(x509.raw);
    parsedCertificates.set(key, parsed);
  }
  return parsed;
}

async function judge(socket: TLSSocket): Promise<Verdict> {
  const peer = socket.getPeerX509Certificate();
  if (!peer) return { category: 'certificate_required', detail: 'no client certificate was sent' };
  if (!socket.authorized) {
    const code = String(socket.authorizationError ?? 'UNKNOWN');
    return { category: categoryOfVerifyCode(code), detail: code };
  }
  if (ocspCheck) {
    // The chain was verified, so the issuer is the next certificate of the path the client sent.
    // (Read it from the X509Certificate: once getPeerX509Certificate() has run, Node 20's
    // getPeerCertificate(true) no longer returns the issuer on a server socket.)
    // A resumed session carries the client's leaf but not the rest of its chain: use the issuer
    // seen in an earlier full handshake (the session could only be resumed after one).
    const issuer = peer.issuerCertificate ? parsedCertificate(peer.issuerCertificate) : issuersByName.get(peer.issuer);
    if (!issuer) return { category: 'bad_certificate', detail: 'the issuer of the client certificate is not known' };
    if (peer.issuerCertificate) issuersByName.set(peer.issuer, issuer);
    const aiaUrl = /OCSP - URI:(\S+)/.exec(peer.infoAccess ?? '')?.[1];
    const rejection = await ocspCheck.check(parsedCertificate(peer), issuer, aiaUrl);
    if (ocspCheck.lastProblem !== lastOcspProblem) {
      lastOcspProblem = ocspCheck.lastProblem;
      if (lastOcspProblem) console.log(`${new Date().toISOString()} ocsp: ${lastOcspProblem} (${config.ocsp?.mode})`);
    }
    if (rejection) return { category: rejection, detail: rejection === 'ocsp_unavailable' ? ocspCheck.lastProblem : 'OCSP' };
  }
  const identity = identityOf(peer);
  if (config.authorization && !isAllowed(identity, config.authorization)) {
    return { category: 'forbidden', detail: `no allowed SAN among ${[...identity.uris, ...identity.dnsNames].join(', ') || '(none)'}` };
  }
  return { identity };
}

/**
 * The plain-HTTP backend listener (behind lab.tlsTerminator): no TLS here, so the only client
 * identity is the one the terminator forwarded, believed only when signed with the per-run
 * secret and chaining to the current trust bundle. Missing: 496 certificate_required; present
 * but unverifiable: 403 forbidden. Authorization applies to a verified identity as on TLS.
 * (CRL and OCSP checks are the terminator's business here: it verified the handshake.)
 */
const backendSecret = config.identityBackend ? readFileSync(config.identityBackend.secretFile, 'utf8').trim() : undefined;
let backend: HttpServer | undefined;

function answerBackend(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  const forwarded = verifyForwardedIdentity(request.headers, backendSecret ?? '', material.trustBundlePem);
  if (!forwarded.ok) {
    respond(response, { category: forwarded.category, detail: forwarded.detail });
    return;
  }
  const identity = identityOf(forwarded.leaf);
  if (config.authorization && !isAllowed(identity, config.authorization)) {
    respond(response, { category: 'forbidden', detail: `no allowed SAN among ${[...identity.uris, ...identity.dnsNames].join(', ') || '(none)'}` });
    return;
  }
  respond(response, { identity });
}

function startBackend(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createHttpServer(answerBackend);
    server.keepAliveTimeout = 30_000;
    server.once('error', reject);
    // In a container, the next port on its own interfaces: reached by the terminator's container
    // on the run network, never published on the host.
    const where = config.bind ? { host: config.bind.host, port: config.bind.port + 1 } : { host: '127.0.0.1', port: 0 };
    server.listen(where.port, where.host, () => {
      const address = server.address();
      backend = server;
      const port = address && typeof address === 'object' ? address.port : 0;
      console.log(`${new Date().toISOString()} ${config.name} plain-HTTP backend (signed forwarded identities only) on ${where.host}:${port}`);
      resolve(port);
    });
  });
}
const backendPort = backendSecret === undefined ? undefined : startBackend();

function isAllowed(identity: ClientIdentity, rules: NonNullable<NodeGatewayProcessConfig['authorization']>): boolean {
  const names = [...identity.uris, ...identity.dnsNames];
  return names.some((name) => (rules.allowSans ?? []).includes(name) || (rules.allowSanPrefixes ?? []).some((prefix) => name.startsWith(prefix)));
}

function identityOf(peer: import('node:crypto').X509Certificate): ClientIdentity {
  const names = (peer.subjectAltName ?? '').split(', ').filter(Boolean);
  const pick = (prefix: string) => names.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length));
  return {
    subject: rfc2253(peer.subject),
    issuer: rfc2253(peer.issuer),
    serialNumber: peer.serialNumber.toUpperCase().replace(/^0+(?=.)/, ''),
    uris: pick('URI:'),
    dnsNames: pick('DNS:'),
    notAfter: new Date(peer.validTo).toISOString(),
  };
}

/** Node prints names one attribute per line, most significant first; nginx's $ssl_client_s_dn is RFC 2253 (reversed, commas). */
function rfc2253(name: string): string {
  return name.split('\n').filter(Boolean).reverse().join(',');
}

serveParentRequests({
  reload: (payload) => {
    const next = { ...material, ...(payload as Partial<TlsMaterial>) };
    // Throws (and the parent sees why) when the new material does not fit together, e.g. a key
    // that does not match the certificate; the old context then stays in force.
    server.setSecureContext(secureContextOptions(next));
    material = next;
    return { reloadedAt: new Date().toISOString() };
  },
  backendPort: async () => {
    if (!backendPort) throw new Error('no plain-HTTP backend listener configured');
    return { port: await backendPort };
  },
  clearOcspCache: () => {
    ocspCheck?.clear();
    return true;
  },
});

const bind = config.bind ?? { host: '127.0.0.1', port: 0 };
server.listen(bind.port, bind.host, () => {
  const address = server.address();
  if (address && typeof address === 'object') {
    console.log(`${new Date().toISOString()} ${config.name} listening on ${bind.host}:${address.port}`);
    reportReady(address.port);
  }
});

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  backend?.closeAllConnections();
  process.exit(0);
});
