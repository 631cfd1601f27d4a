import type { ErrorCategory } from './error-category.js';

/** The phases of a run (baseline before the first fault, fault while one is active, recovery after: docs/ARCHITECTURE.md, "The life of a run"). */
export const PHASES = ['baseline', 'fault', 'recovery'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * One attempt = TCP connect + TLS handshake with a client certificate + one HTTP request on that
 * connection. Times are milliseconds (fractions kept) measured with the monotonic clock; a phase
 * that did not happen (connect refused: no handshake) is undefined.
 */
export interface AttemptRecord {
  /** When the attempt was due, ms since the start of the load (open loop: the schedule, not the actual start). */
  readonly scheduledAtMs: number;
  /** How late the attempt actually started; > 0 means the generator could not keep the schedule. */
  readonly startDelayMs: number;
  readonly tcpConnectMs?: number;
  /** From TCP connected to the client's secureConnect. */
  readonly tlsHandshakeMs?: number;
  /** From request written to the first byte of the answer. */
  readonly firstByteMs?: number;
  /** From the scheduled start to the outcome (includes startDelayMs: no coordinated omission). */
  readonly totalMs: number;
  readonly category: ErrorCategory;
  /** The raw code behind the category (ERR_SSL_..., ECONNRESET, HTTP 400 + nginx reason), for `other` and for diagnosis. */
  readonly rawCode?: string;
  readonly httpStatus?: number;
  /** TLS session resumed (abbreviated handshake) rather than a full one. */
  readonly resumed: boolean;
  /** Which client identity (certificate) was used. */
  readonly identity: string;
  /** Which gateway replica answered, when the gateway says (x-mtls-chaos-replica header). */
  readonly replica?: string;
  /**
   * The client's TCP source port: behind the lab's balancer, the key to which replica the
   * connection went when the answer never arrived (a failed handshake has no replica header).
   */
  readonly localPort?: number;
  readonly tlsVersion?: string;
}
