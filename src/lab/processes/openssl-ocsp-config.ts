/** What the parent writes for the `openssl ocsp` process of the local runtime (processes/openssl-ocsp-process.ts). */
export interface OpensslOcspProcessConfig {
  readonly name: string;
  /** The openssl binary, found by the parent. */
  readonly openssl: string;
  /** `openssl ocsp ...` arguments, without -port (the process adds `-port 0`). */
  readonly args: readonly string[];
}

/**
 * Messages beside the request/reply protocol of ipc.ts: the parent hands over a listening socket
 * on the host's 127.0.0.1 (a net.Server handle) with `listen`; the child answers `listening` once
 * it relays that socket's connections to openssl.
 */
export type OpensslOcspHandoff = { readonly kind: 'listen' } | { readonly kind: 'listening'; readonly port: number };

/** The modes an `openssl ocsp` responder can be put in: the process is real, its answers are openssl's own. */
export type OpensslOcspMode = 'normal' | 'down' | 'blackhole';
