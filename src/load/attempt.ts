import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type { AttemptRecord } from '../metrics/attempt-record.js';
import type { ErrorCategory } from '../metrics/error-category.js';
import type { PreparedIdentity } from './client-identity.js';
import { classifyError, classifyHttpAnswer, type Classification } from './classify-error.js';
import type { Diagnosis } from './diagnose-client-certificate.js';
import type { ResolvedTarget } from './load-target.js';

/** The header a lab gateway replica names itself in (behind the lab's balancer). */
export const REPLICA_HEADER = 'x-mtls-chaos-replica';
/** Enough of a refusal's body to recognise nginx's reason; the rest is never read. */
const BODY_SNIPPET_BYTES = 2_048;
/** Largest response head we parse; a gateway sending more is answering something else. */
const MAX_HEAD_BYTES = 16_384;
/**
 * After the answer, wait this long for the server's FIN before destroying the socket: the side
 * that closes first keeps TIME_WAIT, and a generator that holds every TIME_WAIT runs out of
 * ephemeral ports in minutes at a few hundred attempts per second.
 */
const CLOSE_GRACE_MS = 200;

export interface AttemptTiming {
  /** performance.now() at which the attempt was due; totalMs counts from here (no coordinated omission). */
  readonly dueAt: number;
  /** The same instant as ms since the start of the load, for the record. */
  readonly scheduledAtMs: number;
}

export interface AttemptOptions {
  /** Abort: the socket is destroyed at once and the outcome is marked aborted (not a measurement). */
  readonly signal?: AbortSignal;
  /** Keep the server's certificate (probe only: it costs ~0.85 ms per handshake: docs/ARCHITECTURE.md, "Load generator costs"). */
  readonly capturePeerCertificate?: boolean;
}

export interface AttemptOutcome {
  readonly record: AttemptRecord;
  /**
   * Resolves once the attempt's socket has closed: at most CLOSE_GRACE_MS after the outcome
   * (the server closes first, see there). The outcome itself resolves as soon as it is known, so
   * that a closed loop's next attempt overlaps this teardown instead of waiting for it; whoever
   * must leave no connection behind (a probe, the end of a load) awaits this too.
   */
  readonly socketClosed: Promise<void>;
  /** True when the attempt was cut short by the abort signal; its record measures nothing. */
  readonly aborted: boolean;
  readonly peerCertificate?: tls.DetailedPeerCertificate;
  /** The client-side diagnosis when the gateway refused without saying why. */
  readonly diagnosis?: Diagnosis;
  /** The gateway's own reason when the serverReason hook supplied one. */
  readonly serverReason?: ErrorCategory;
}

/** The category after diagnosis and the gateway's own reason have had their say. */
interface Refined {
  readonly category: ErrorCategory;
  readonly diagnosis?: Diagnosis;
  readonly serverReason?: ErrorCategory;
}

interface ParsedAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly bodyOffset: number;
  readonly contentLength: number | undefined;
}

/**
 * One attempt: TCP connect + mTLS handshake + one HTTP/1.1 request written by hand on that
 * connection. The HTTP answer, not `secureConnect`, decides success: under TLS 1.3 the server
 * verifies the client certificate after the client considers the handshake done, and its refusal
 * arrives as an alert, a closed socket, or (nginx) an HTTP 400.
 */
export function runAttempt(
  target: ResolvedTarget,
  identity: PreparedIdentity,
  timing: AttemptTiming,
  options: AttemptOptions = {},
): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    let connectedAt: number | undefined;
    let localPort: number | undefined;
    let secureAt: number | undefined;
    let requestAt: number | undefined;
    let firstByteAt: number | undefined;
    let outcomeAt: number | undefined;
    let resumed = false;
    let tlsVersion: string | undefined;
    let peerCertificate: tls.DetailedPeerCertificate | undefined;
    let received: Buffer | undefined;
    let answer: ParsedAnswer | undefined;
    let settled = false;
    let closed = false;
    let markClosed!: () => void;
    const socketClosed = new Promise<void>((resolve) => (markClosed = resolve));

    // One TLS socket that makes its own TCP connection (its 'connect' is the TCP connect): a
    // separate net.Socket under it cost a second socket object and proxied calls per attempt.
    const tlsOptions: tls.ConnectionOptions = {
      host: target.address,
      port: target.port,
      secureContext: identity.secureContext,
      rejectUnauthorized: true,
      // The name checked is the target's, not the address connected to (see ResolvedTarget.verifyHost).
      checkServerIdentity: (_host, certificate) => {
        if (options.capturePeerCertificate) peerCertificate = certificate as tls.DetailedPeerCertificate;
        return tls.checkServerIdentity(target.verifyHost, certificate);
      },
    };
    if (target.servername !== undefined) tlsOptions.servername = target.servername;
    if (target.resume && identity.session) tlsOptions.session = identity.session;
    const socket = tls.connect(tlsOptions);
    if (!options.capturePeerCertificate) useLightPeerCertificate(socket);

    const timer = setTimeout(() => {
      const phase =
        connectedAt === undefined ? 'TCP_CONNECT' : secureAt === undefined ? 'TLS_HANDSHAKE' : firstByteAt === undefined ? 'FIRST_BYTE' : 'BODY';
      settle({ category: 'handshake_timeout', rawCode: `TIMEOUT_${phase}` }, true);
    }, target.timeoutMs);
    const onAbort = () => settle({ category: 'other', rawCode: 'ABORTED' }, true, true);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) queueMicrotask(onAbort);

    socket.once('connect', () => {
      connectedAt = performance.now();
      localPort = socket.localPort;
      // Here, not before connecting: one setsockopt instead of two (Node applies it again on
      // connect). The ClientHello went out just before this, as a first segment Nagle never holds.
      socket.setNoDelay(true);
    });
    socket.once('secureConnect', () => {
      secureAt = performance.now();
      resumed = socket.isSessionReused();
      tlsVersion = socket.getProtocol() ?? undefined;
      if (options.capturePeerCertificate && !peerCertificate) peerCertificate = socket.getPeerCertificate(true);
      socket.write(target.request);
      requestAt = performance.now();
    });
    if (target.resume) {
      socket.on('session', (session: Buffer) => {
        identity.session = session;
      });
    }
    socket.on('data', (chunk: Buffer) => {
      firstByteAt ??= performance.now();
      if (settled) return;
      received = received ? Buffer.concat([received, chunk]) : chunk;
      answer ??= parseHead(received);
      if (!answer) {
        if (received.length > MAX_HEAD_BYTES) settle({ category: 'other', rawCode: 'HTTP_HEAD_TOO_LARGE' }, true);
        return;
      }
      const body = received.length - answer.bodyOffset;
      // A success needs no body; a refusal's reason is in the first bytes of its body.
      if (
        (answer.status >= 200 && answer.status < 300) ||
        body >= BODY_SNIPPET_BYTES ||
        (answer.contentLength !== undefined && body >= answer.contentLength) ||
        received.subarray(received.length - 5).toString('latin1') === '0\r\n\r\n'
      ) {
        settleWithAnswer();
      }
    });
    socket.on('error', (error) => {
      if (settled) return;
      if (answer) settleWithAnswer();
      else settle(classifyError(error, { clientCertificateSent: identity.sendsCertificate }), true);
    });
    socket.on('end', () => {
      if (settled) return;
      if (answer) settleWithAnswer();
      else settle(closedBeforeAnswer(), true);
    });
    socket.on('close', () => {
      closed = true;
      markClosed();
      if (!settled) {
        if (answer) settleWithAnswer();
        else settle(closedBeforeAnswer(), true);
      }
    });

    function closedBeforeAnswer(): Classification {
      // A TLS 1.3 server that refuses our certificate without an alert (Node with
      // rejectUnauthorized: true) shows exactly this: handshake done, then the socket ends.
      return secureAt === undefined
        ? { category: 'connection_reset', rawCode: 'CLOSED_DURING_HANDSHAKE' }
        : { category: 'connection_reset', rawCode: 'CLOSED_BEFORE_ANSWER', unspecific: true };
    }

    function settleWithAnswer(): void {
      const parsed = answer!;
      const snippet = received!.subarray(parsed.bodyOffset, parsed.bodyOffset + BODY_SNIPPET_BYTES).toString('latin1');
      settle(classifyHttpAnswer(parsed.status, parsed.headers, snippet), false);
    }

    function settle(result: Classification, destroyNow: boolean, aborted = false): void {
      if (settled) return;
      settled = true;
      outcomeAt = performance.now();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      void refine(result).then((refined) => finish(result, refined, aborted));
      if (destroyNow || closed) {
        socket.destroy();
      } else {
        // Let the server close first (Connection: close), but never wait long for it.
        const linger = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
        socket.once('close', () => clearTimeout(linger));
        socket.resume();
      }
    }

    async function refine(result: Classification): Promise<Refined> {
      const needsReason = result.unspecific === true;
      let serverReason: ErrorCategory | undefined;
      if (needsReason && target.serverReason) {
        try {
          serverReason = await target.serverReason({
            identity: identity.name,
            startedAt: new Date(performance.timeOrigin + startedAt),
            endedAt: new Date(performance.timeOrigin + (outcomeAt ?? startedAt)),
            scheduledAtMs: timing.scheduledAtMs,
            rawCode: result.rawCode,
            ...(answer ? { httpStatus: answer.status } : {}),
          });
        } catch {
          // A log that cannot be read must not turn a measured refusal into a crash.
          serverReason = undefined;
        }
      }
      if (serverReason) {
        const diagnosis = target.diagnoser.diagnoseStatically(identity);
        return { category: serverReason, serverReason, ...(diagnosis ? { diagnosis } : {}) };
      }
      // A refusal without a reason: the full diagnosis (it may ask the certificate's own OCSP
      // responder, bounded per identity) names a cause only on evidence, else bad_certificate.
      if (needsReason && result.category === 'bad_certificate') {
        const diagnosis = await target.diagnoser.diagnose(identity).catch(() => undefined);
        return { category: diagnosis?.category ?? result.category, ...(diagnosis ? { diagnosis } : {}) };
      }
      const diagnosis = needsReason || result.category === 'bad_certificate' ? target.diagnoser.diagnoseStatically(identity) : undefined;
      // An explicit bad_certificate alert is refined only to not-yet-valid (what HAProxy/OpenSSL
      // mean by it for a future notBefore); a closed socket keeps its category, the diagnosis is text.
      const category = result.category === 'bad_certificate' && diagnosis?.category === 'cert_not_yet_valid' ? diagnosis.category : result.category;
      return { category, ...(diagnosis ? { diagnosis } : {}) };
    }

    function finish(result: Classification, refined: Refined, aborted: boolean): void {
      const { category, diagnosis, serverReason } = refined;
      const record: AttemptRecord = {
        scheduledAtMs: timing.scheduledAtMs,
        startDelayMs: Math.max(0, startedAt - timing.dueAt),
        ...(connectedAt !== undefined ? { tcpConnectMs: connectedAt - startedAt } : {}),
        ...(connectedAt !== undefined && secureAt !== undefined ? { tlsHandshakeMs: secureAt - connectedAt } : {}),
        ...(requestAt !== undefined && firstByteAt !== undefined ? { firstByteMs: firstByteAt - requestAt } : {}),
        totalMs: (outcomeAt ?? performance.now()) - timing.dueAt,
        category,
        ...(category === 'ok' && !serverReason ? {} : { rawCode: result.rawCode }),
        ...(answer ? { httpStatus: answer.status } : {}),
        resumed,
        identity: identity.name,
        ...(answer?.headers[REPLICA_HEADER] ? { replica: answer.headers[REPLICA_HEADER] } : {}),
        ...(localPort !== undefined ? { localPort } : {}),
        ...(tlsVersion ? { tlsVersion } : {}),
      };
      resolve({
        record,
        socketClosed,
        aborted,
        ...(peerCertificate ? { peerCertificate } : {}),
        ...(diagnosis ? { diagnosis } : {}),
        ...(serverReason ? { serverReason } : {}),
      });
    }
  });
}

/**
 * Node verifies the server's name (onConnectSecure in lib/_tls_wrap.js) by calling
 * `getPeerCertificate(true)` and passing the result to `checkServerIdentity`. The detailed form
 * walks the whole chain into JS objects (and looks up the issuer of its top in the trust store):
 * measured here at ~0.65 ms per call, ~1.2 ms of client CPU per attempt in a profile, more than
 * the client's share of the TLS crypto (~0.85 ms: docs/ARCHITECTURE.md, "Load generator costs"). checkServerIdentity reads only the
 * leaf's `subjectaltname` and `subject.CN`, which the plain form (leaf only, ~0.03 ms) has, so
 * this socket answers that call with the plain form. Chain verification is untouched (OpenSSL
 * did it during the handshake) and the name check is the same function on the same names.
 * (Not getPeerX509Certificate(): in Node 20 it removes the leaf from the session's peer chain.)
 */
function useLightPeerCertificate(socket: tls.TLSSocket): void {
  const full = socket.getPeerCertificate.bind(socket);
  const light = ((_detailed?: boolean) => full(false)) as tls.TLSSocket['getPeerCertificate'];
  Object.defineProperty(socket, 'getPeerCertificate', { value: light, configurable: true, writable: true });
}

/** Parses an HTTP/1.x status line and headers once the blank line has arrived. */
function parseHead(buffer: Buffer): ParsedAnswer | undefined {
  const end = buffer.indexOf('\r\n\r\n', 0, 'latin1');
  if (end < 0) return undefined;
  const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  return {
    // A reply that is not HTTP at all is still an answer: status 0 becomes http_error.
    status: match ? Number(match[1]) : 0,
    headers,
    bodyOffset: end + 4,
    contentLength: length !== undefined && Number.isFinite(length) ? length : undefined,
  };
}
