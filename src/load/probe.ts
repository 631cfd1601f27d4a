import { performance } from 'node:perf_hooks';
import type tls from 'node:tls';
import type { ErrorCategory } from '../metrics/error-category.js';
import { runAttempt } from './attempt.js';
import type { ServerReasonHook } from './diagnose-client-certificate.js';
import { resolveTarget } from './load-target.js';
import type { RevocationFetchScope } from './revocation-lookup.js';

export interface ProbeOptions {
  /** Client certificate (leaf + chain) and key; omit both to see what the gateway does without one. */
  readonly certPem?: string;
  readonly keyPem?: string;
  /** CA bundle that verifies the server. */
  readonly caPem: string;
  /** CA bundle the gateway trusts for clients (diagnosis only); without it the path is not judged. */
  readonly clientCaPem?: string;
  /** Which of the certificate's own OCSP/CRL services a refusal's diagnosis may ask; default loopback. */
  readonly revocationFetch?: RevocationFetchScope;
  readonly servername?: string;
  readonly timeoutMs?: number;
  readonly serverReason?: ServerReasonHook;
  readonly signal?: AbortSignal;
}

export interface ServerCertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  /** ISO 8601. */
  readonly notAfter: string;
  /** Whole days until notAfter, negative once expired. */
  readonly daysUntilExpiry: number;
}

export interface ProbeResult {
  readonly url: string;
  readonly category: ErrorCategory;
  readonly httpStatus?: number;
  readonly rawCode?: string;
  readonly timings: {
    readonly tcpConnectMs?: number;
    readonly tlsHandshakeMs?: number;
    readonly firstByteMs?: number;
    readonly totalMs: number;
  };
  readonly tlsVersion?: string;
  readonly resumed: boolean;
  readonly serverCertificate?: ServerCertificateSummary;
  /** A sentence saying why the attempt failed, when something more than the category is known. */
  readonly diagnosis?: string;
}

const DAY_MS = 86_400_000;

/**
 * One attempt against a gateway, fully explained: the outcome, its category, the timings, the
 * server's certificate and, when the gateway refused the client without saying why, what is
 * wrong with the client's own certificate.
 */
export async function probe(url: string, options: ProbeOptions): Promise<ProbeResult> {
  const identities =
    options.certPem !== undefined && options.keyPem !== undefined ? [{ name: 'client', certPem: options.certPem, keyPem: options.keyPem }] : [];
  const target = await resolveTarget({
    url,
    identities,
    caPem: options.caPem,
    resume: false,
    ...(options.clientCaPem !== undefined ? { clientCaPem: options.clientCaPem } : {}),
    ...(options.revocationFetch !== undefined ? { revocationFetch: options.revocationFetch } : {}),
    ...(options.servername !== undefined ? { servername: options.servername } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.serverReason ? { serverReason: options.serverReason } : {}),
  });
  const identity = target.identities[0]!;
  const now = performance.now();
  const outcome = await runAttempt(
    target,
    identity,
    { dueAt: now, scheduledAtMs: 0 },
    { capturePeerCertificate: true, ...(options.signal ? { signal: options.signal } : {}) },
  );
  // A probe leaves no connection behind when it returns.
  await outcome.socketClosed;
  const { record } = outcome;
  // A refusal that is not explained (a socket closed after the handshake, an unknown alert) is
  // still worth a look at the client's certificate: say what it shows, without claiming a cause.
  const diagnosis =
    outcome.diagnosis ?? (record.category !== 'ok' && identity.sendsCertificate ? target.diagnoser.diagnoseStatically(identity) : undefined);
  const serverCertificate = outcome.peerCertificate ? summarise(outcome.peerCertificate) : undefined;
  const sentence = explain(record.category, record.rawCode, record.httpStatus, diagnosis?.reason, outcome.serverReason, identity.sendsCertificate);
  return {
    url,
    category: record.category,
    ...(record.httpStatus !== undefined ? { httpStatus: record.httpStatus } : {}),
    ...(record.rawCode !== undefined ? { rawCode: record.rawCode } : {}),
    timings: {
      ...(record.tcpConnectMs !== undefined ? { tcpConnectMs: round(record.tcpConnectMs) } : {}),
      ...(record.tlsHandshakeMs !== undefined ? { tlsHandshakeMs: round(record.tlsHandshakeMs) } : {}),
      ...(record.firstByteMs !== undefined ? { firstByteMs: round(record.firstByteMs) } : {}),
      totalMs: round(record.totalMs),
    },
    ...(record.tlsVersion ? { tlsVersion: record.tlsVersion } : {}),
    resumed: record.resumed,
    ...(serverCertificate ? { serverCertificate } : {}),
    ...(sentence ? { diagnosis: sentence } : {}),
  };
}

function summarise(certificate: tls.DetailedPeerCertificate): ServerCertificateSummary {
  const notAfter = new Date(certificate.valid_to);
  return {
    subject: formatPeerName(certificate.subject),
    issuer: formatPeerName(certificate.issuer),
    notAfter: notAfter.toISOString(),
    daysUntilExpiry: Math.floor((notAfter.getTime() - Date.now()) / DAY_MS),
  };
}

function formatPeerName(name: tls.Certificate | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

function round(ms: number): number {
  return Math.round(ms * 1_000) / 1_000;
}

function explain(
  category: ErrorCategory,
  rawCode: string | undefined,
  httpStatus: number | undefined,
  clientReason: string | undefined,
  serverReason: ErrorCategory | undefined,
  sentCertificate: boolean,
): string | undefined {
  if (category === 'ok') return undefined;
  const parts: string[] = [];
  if (serverReason) parts.push(`the gateway's log says ${serverReason}`);
  if (rawCode?.includes('SSL_CERTIFICATE_ERROR')) parts.push(`the gateway answered HTTP ${httpStatus} without naming the certificate problem`);
  else if (rawCode === 'CLOSED_BEFORE_ANSWER') parts.push('the gateway closed the connection right after the TLS handshake, without an alert or an answer (how a TLS 1.3 server refuses a client certificate silently)');
  else if (category === 'certificate_required' && !sentCertificate) parts.push('no client certificate was sent and the gateway requires one');
  else if (category === 'certificate_required') parts.push('the gateway says no client certificate arrived, although one was configured');
  if (clientReason) parts.push(clientReason);
  if (category === 'hostname_mismatch') parts.push('the server certificate does not name the host asked for (try --servername with a name it carries)');
  if (category === 'handshake_timeout') parts.push(`no answer within the timeout (${rawCode ?? 'timeout'})`);
  return parts.length > 0 ? `${parts.join('; ')}.` : undefined;
}
