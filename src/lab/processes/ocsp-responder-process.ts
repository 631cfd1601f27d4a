/**
 * Process entry of the built-in OCSP responder: RFC 6960 over HTTP (Appendix A: POST with
 * application/ocsp-request, or GET <url>/<url-encoded base64 of the DER request>), on 127.0.0.1,
 * answering from the lab CA's state. Forked by components/ocsp-responder.ts; config in argv[2].
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import {
  buildOcspErrorResponse,
  buildOcspResponse,
  parseOcspRequest,
  type OcspRequestInfo,
  type RevocationReason,
} from '../../pki/index.js';
import { reportReady, serveParentRequests } from '../ipc.js';
import { OcspIssuerRegister } from './ocsp-issuer-register.js';
import type { OcspIssuerConfig, OcspResponderMode, OcspResponderProcessConfig } from './ocsp-responder-config.js';

const MAX_REQUEST_BYTES = 64 * 1024;

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as OcspResponderProcessConfig;
/** The issuer given at start first: it answers requests naming no issuer it knows (`unknown`, RFC 6960 2.2). */
const issuers: OcspIssuerRegister[] = [new OcspIssuerRegister(config)];
let mode: OcspResponderMode = { kind: 'normal' };
let answered = 0;
/** Bound once at start; `down` closes the listener and coming back listens on this same port (the gateway is configured with the URL). */
let port = 0;
const validityMs = config.validityMs ?? 3_600_000;

/** The issuer an IPC request names by id (issuerIdOf), the first one when it names none. */
function issuerNamed(id: string | undefined): OcspIssuerRegister {
  const found = id === undefined ? issuers[0] : issuers.find((issuer) => issuer.id === id);
  if (!found) throw new Error(`no issuer ${id} registered with this responder`);
  return found;
}

function respond(request: OcspRequestInfo): Buffer {
  const at = new Date();
  // One signer per response: the issuer of the certificates asked about signs (RFC 6960 4.2.2.2).
  const issuer = (issuers.find((candidate) => candidate.answers(request)) ?? issuers[0]!).asCa();
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
    const { serialNumber, reason, revokedAt, issuer } = payload as { serialNumber: string; reason?: RevocationReason; revokedAt?: string; issuer?: string };
    issuerNamed(issuer).revoke(serialNumber, reason, revokedAt ? new Date(revokedAt) : new Date());
    return true;
  },
  unrevoke: (payload) => {
    const { serialNumber, issuer } = payload as { serialNumber: string; issuer?: string };
    return issuerNamed(issuer).unrevoke(serialNumber);
  },
  registerIssued: (payload) => {
    const { serialNumbers, issuer } = payload as { serialNumbers: string[]; issuer?: string };
    issuerNamed(issuer).registerIssued(serialNumbers);
    return true;
  },
  /** A CA the lab put in place mid-run (ca-rotation): answered from now on with its own key. */
  addIssuer: (payload) => {
    const added = new OcspIssuerRegister(payload as OcspIssuerConfig);
    const index = issuers.findIndex((issuer) => issuer.id === added.id);
    if (index >= 0) issuers[index] = added;
    else issuers.push(added);
    console.log(`${new Date().toISOString()} now also answering for "${added.certificate.subject.commonName}"`);
    return added.id;
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
    console.log(`${new Date().toISOString()} ${config.name} for "${issuers[0]!.certificate.subject.commonName}" on ${config.bind?.host ?? '127.0.0.1'}:${port}`);
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
