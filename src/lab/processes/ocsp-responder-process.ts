/**
 * Process entry of the built-in OCSP responder: RFC 6960 over HTTP (Appendix A: POST with
 * application/ocsp-request, or GET <url>/<url-encoded base64 of the DER request>), on 127.0.0.1,
 * answering from the lab CA's state. Forked by components/ocsp-responder.ts; config in argv[2].
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import {
  buildOcspErrorResponse,
  buildOcspResponse,
  Credential,
  keyAlgorithmOf,
  normaliseSerial,
  parseOcspRequest,
  REVOCATION_REASONS,
  type CertificateAuthority,
  type CertificateStatus,
  type OcspRequestInfo,
  type RevocationReason,
} from '../../pki/index.js';
import { certificateFromPem } from '../../pki/certificate-from-der.js';
import { reportReady, serveParentRequests } from '../ipc.js';
import type { OcspResponderMode, OcspResponderProcessConfig } from './ocsp-responder-config.js';

const MAX_REQUEST_BYTES = 64 * 1024;

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as OcspResponderProcessConfig;
const privateKey = createPrivateKey(readFileSync(config.issuerKeyFile, 'utf8'));
const certificate = certificateFromPem(readFileSync(config.issuerCertificateFile, 'utf8'));
const credential = new Credential(certificate, { algorithm: keyAlgorithmOf(privateKey), privateKey, publicKey: createPublicKey(privateKey) }, []);

const issued = new Set(config.issued.map((serial) => normaliseSerial(serial)));
const revoked = new Map<string, { revokedAt: Date; reason: RevocationReason }>(
  config.revocations.map((entry) => [normaliseSerial(entry.serialNumber), { revokedAt: new Date(entry.revokedAt), reason: entry.reason }]),
);
let mode: OcspResponderMode = { kind: 'normal' };
let answered = 0;
/** Bound once at start; `down` closes the listener and coming back listens on this same port (the gateway is configured with the URL). */
let port = 0;
const validityMs = config.validityMs ?? 3_600_000;

function statusOf(serialNumber: string, at: Date = new Date()): CertificateStatus {
  const serial = normaliseSerial(serialNumber);
  const revocation = revoked.get(serial);
  if (revocation && revocation.revokedAt <= at) return { status: 'revoked', ...revocation };
  return issued.has(serial) ? { status: 'good' } : { status: 'unknown' };
}

/**
 * buildOcspResponse reads only `credential`, `certificate` and `statusOf` of its CA; this process
 * has the CA's key and certificate but not the CertificateAuthority object that issued them, and
 * keeps the status register itself (revocations arrive over IPC).
 */
const issuer = { credential, certificate, statusOf } as unknown as CertificateAuthority;

function respond(request: OcspRequestInfo): Buffer {
  const at = new Date();
  switch (mode.kind) {
    case 'stale':
      return buildOcspResponse({ ca: issuer, request, at, thisUpdate: new Date(at.getTime() - 2 * 3_600_000), nextUpdate: new Date(at.getTime() - 3_600_000) });
    case 'override':
      return buildOcspResponse({
        ca: issuer,
        request,
        at,
        nextUpdate: new Date(at.getTime() + validityMs),
        statusOverride:
          mode.status === 'revoked' ? { status: 'revoked', revokedAt: new Date(at.getTime() - 60_000), reason: 'keyCompromise' } : { status: mode.status },
      });
    default:
      return buildOcspResponse({ ca: issuer, request, at, nextUpdate: new Date(at.getTime() + validityMs) });
  }
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let der: Buffer;
  try {
    der = await requestBody(request);
  } catch {
    send(response, 200, buildOcspErrorResponse('malformedRequest'));
    return;
  }
  switch (mode.kind) {
    case 'blackhole':
      return; // the socket stays open with no answer, until the client gives up
    case 'http-error':
      response.writeHead(mode.httpStatus, { 'content-type': 'text/plain' }).end('responder failure (drill)\n');
      return;
    case 'garbage':
      send(response, 200, Buffer.from('this is not an OCSP response'));
      return;
    case 'error-status':
      send(response, 200, buildOcspErrorResponse(mode.status));
      return;
    case 'slow':
      await delay(mode.delayMs);
      break;
  }
  let parsed: OcspRequestInfo;
  try {
    parsed = parseOcspRequest(der);
  } catch {
    send(response, 200, buildOcspErrorResponse('malformedRequest'));
    return;
  }
  try {
    send(response, 200, respond(parsed));
    answered++;
  } catch (error) {
    console.log(`${new Date().toISOString()} internal error: ${(error as Error).message}`);
    send(response, 200, buildOcspErrorResponse('internalError'));
  }
}

function send(response: ServerResponse, status: number, body: Buffer): void {
  response.writeHead(status, { 'content-type': 'application/ocsp-response', 'content-length': body.length }).end(body);
}

async function requestBody(request: IncomingMessage): Promise<Buffer> {
  if (request.method === 'GET') {
    // RFC 6960 Appendix A.1: the path after the responder's base is the URL-encoded base64 of the DER.
    const encoded = decodeURIComponent((request.url ?? '/').replace(/^\/+/, ''));
    if (!encoded) throw new Error('empty GET request');
    return Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  if (request.method !== 'POST') throw new Error(`method ${request.method}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const server = createServer((request, response) => {
  handle(request, response).catch(() => response.destroy());
});

serveParentRequests({
  revoke: (payload) => {
    const { serialNumber, reason, revokedAt } = payload as { serialNumber: string; reason?: RevocationReason; revokedAt?: string };
    const serial = normaliseSerial(serialNumber);
    const why = reason ?? 'unspecified';
    if (!(why in REVOCATION_REASONS)) throw new Error(`unknown revocation reason ${why}`);
    revoked.set(serial, { revokedAt: revokedAt ? new Date(revokedAt) : new Date(), reason: why });
    issued.add(serial);
    return true;
  },
  unrevoke: (payload) => revoked.delete(normaliseSerial((payload as { serialNumber: string }).serialNumber)),
  registerIssued: (payload) => {
    for (const serial of payload as string[]) issued.add(normaliseSerial(serial));
    return true;
  },
  setMode: async (payload) => {
    const next = payload as OcspResponderMode;
    if (next.kind === 'down' && mode.kind !== 'down') await stopListening();
    if (next.kind !== 'down' && mode.kind === 'down') await listen(port);
    mode = next;
    return true;
  },
  stats: () => ({ answered }),
});

function listen(onPort: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(onPort, config.bind?.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(address && typeof address === 'object' ? address.port : onPort);
    });
  });
}

/** A responder process that is gone: nothing listens, so connections are refused (ECONNREFUSED). */
function stopListening(): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

listen(config.bind?.port ?? 0).then(
  (bound) => {
    port = bound;
    console.log(`${new Date().toISOString()} ${config.name} for "${certificate.subject.commonName}" on ${config.bind?.host ?? '127.0.0.1'}:${port}`);
    reportReady(port);
  },
  (error: unknown) => {
    console.log(`${new Date().toISOString()} cannot listen: ${(error as Error).message}`);
    process.exit(1);
  },
);

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
