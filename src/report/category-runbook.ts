import type { ErrorCategory } from '../metrics/index.js';

/** What an on-call person reads next to a failure category: the usual cause, then the first checks. */
export interface RunbookEntry {
  readonly meaning: string;
  readonly checkFirst: readonly string[];
}

/**
 * One entry per failure category (`ok` has none), used by report.html and summary.md. Written
 * for the person paged at 3 a.m.: what this usually means in production, then where to look.
 */
export const CATEGORY_RUNBOOK: Readonly<Record<Exclude<ErrorCategory, 'ok'>, RunbookEntry>> = {
  cert_expired: {
    meaning: 'A certificate in the chain (client leaf, server leaf, intermediate or root) is past its notAfter.',
    checkFirst: [
      'Renewal automation (cert-manager, ACME client, Vault agent): did its last run succeed, and did the new certificate reach the process that presents it?',
      'The expiring certificate: its subject and notAfter (openssl x509 -noout -subject -enddate), and whether a reload picked up the renewed file.',
      'An intermediate that expired under still-valid leaves: the chain file served, not just the leaf.',
    ],
  },
  cert_not_yet_valid: {
    meaning: 'A certificate was used before its notBefore: issued "from now" on a host whose clock is ahead, or clock skew on the verifier.',
    checkFirst: [
      'Clock sync (chrony/ntpd, timedatectl) on the client, the gateway and the issuing CA.',
      'Issuance backdating: most CAs backdate notBefore by a few minutes for this reason.',
    ],
  },
  unknown_ca: {
    meaning: "The peer's chain does not lead to a root in the verifier's trust bundle.",
    checkFirst: [
      'Which trust bundle lacks which issuer: compare the issuer of the presented chain with the bundle (openssl verify -CAfile bundle.pem -untrusted chain.pem leaf.pem).',
      'A CA rotation: was the new root or intermediate added to every bundle before the first leaf was issued from it (overlap), and is the intermediate sent with the leaf?',
      'A TLS-intercepting proxy re-signing traffic with its own CA.',
    ],
  },
  bad_certificate: {
    meaning: 'The certificate was refused for another reason: wrong key usage or extended key usage, bad signature, or a policy the verifier enforces.',
    checkFirst: [
      'Extended key usage: clientAuth for client certificates, serverAuth for server certificates.',
      "The gateway's error log for the exact verify error; HAProxy also sends bad_certificate for a not-yet-valid certificate.",
    ],
  },
  certificate_required: {
    meaning: 'The client sent no certificate and the gateway requires one.',
    checkFirst: [
      'The client configuration: certificate and key paths, and whether the client certificate is signed by a CA the gateway asks for (certificate_authorities list).',
      'A TLS-terminating proxy or interceptor between client and gateway that drops the client certificate.',
    ],
  },
  cert_revoked: {
    meaning: 'The certificate is revoked according to OCSP or a CRL.',
    checkFirst: [
      'Whether the revocation was intended (a compromised key, a decommissioned client) and whether that client has a replacement.',
      "The CRL or OCSP responder the gateway uses, and its cache: how long until a revocation (or un-revocation) takes effect.",
    ],
  },
  ocsp_unavailable: {
    meaning: 'The revocation status could not be obtained and the gateway fails closed (hard-fail OCSP).',
    checkFirst: [
      'OCSP responder health: is it up, reachable from the gateway, and answering in time (not tryLater, not malformed, nextUpdate in the future)?',
      'Stapling and the response cache: cache TTL versus responder outages; a longer cache rides out short outages.',
      'Whether hard-fail is intended here: soft-fail keeps clients in during a responder outage, at the cost of not checking.',
    ],
  },
  hostname_mismatch: {
    meaning: 'The server certificate does not name the host the client asked for (SAN).',
    checkFirst: [
      "The server certificate's subjectAltName entries versus the DNS name or IP clients use.",
      'A wrong certificate served after a rotation, or a balancer sending traffic to a replica with another certificate.',
    ],
  },
  tls_policy: {
    meaning: 'Client and server share no TLS version, cipher suite or signature algorithm.',
    checkFirst: [
      'Minimum and maximum TLS versions on both sides (e.g. a TLS 1.3-only gateway and TLS 1.2 clients).',
      'Cipher and signature algorithm lists, and key types (RSA vs ECDSA) after a rotation.',
    ],
  },
  forbidden: {
    meaning: 'TLS succeeded but authorization refused the identity (HTTP 403).',
    checkFirst: [
      "The authorization allowlist (SAN, subject, SPIFFE ID) versus the client certificate's identity: renamed identities after a reissue.",
      'Headers a TLS-terminating proxy forwards with the identity, and whether the backend trusts them.',
    ],
  },
  handshake_timeout: {
    meaning: 'No answer within the attempt timeout: a blackholed or frozen peer, an overloaded gateway, or a slow dependency in the handshake (OCSP).',
    checkFirst: [
      "The gateway's CPU and accept queue; a paused or hung process.",
      'Slow dependencies inside the handshake: an OCSP responder that accepts but never answers, network latency or loss.',
    ],
  },
  connection_refused: {
    meaning: 'Nothing listens on the address: the gateway is down, restarting, or on another port.',
    checkFirst: ['Whether the gateway process runs and listens (ss -ltnp), recent restarts, and the balancer\'s health checks.'],
  },
  connection_reset: {
    meaning: 'The peer reset or closed the connection without a TLS alert or HTTP answer.',
    checkFirst: [
      "The gateway's error log at the same time: crashes, worker restarts, connection limits.",
      'A middlebox (firewall, proxy) resetting connections; a Node TLS server that rejects without sending an alert.',
    ],
  },
  http_error: {
    meaning: 'TLS succeeded but the HTTP answer was an error that is not a certificate verdict (5xx, 404).',
    checkFirst: ['The upstream behind the gateway and the gateway\'s access log for the status codes.'],
  },
  other: {
    meaning: 'An error this tool does not classify; the raw code is kept in the sample errors.',
    checkFirst: ['The sample error codes in this report, and the gateway logs at the same time.'],
  },
};

/** The entry for a category, or undefined for `ok`. */
export function runbookFor(category: ErrorCategory): RunbookEntry | undefined {
  return category === 'ok' ? undefined : CATEGORY_RUNBOOK[category];
}
