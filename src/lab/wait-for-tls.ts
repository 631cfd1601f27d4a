import { connect } from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves once a TLS handshake with 127.0.0.1:port completes, or ends in an alert from the server
 * (without a client certificate and without checking the server's: only "is someone answering
 * TLS" is asked). For nginx this also
 * proves a worker is accepting, not just that the master has bound the socket. Never rejects:
 * the caller races it against the process's exit, a timeout and the abort signal.
 */
export async function waitForTlsHandshake(port: number, signal: AbortSignal, intervalMs = 50): Promise<void> {
  while (!signal.aborted) {
    if (await handshakeOnce(port)) return;
    await delay(intervalMs, undefined, { signal }).catch(() => {});
  }
  return new Promise(() => {});
}

/** OpenSSL's code for an alert the peer sent (ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE, ...). */
const TLS_ALERT = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_/;

function handshakeOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('secureConnect', () => done(true));
    // A TLS alert is an answer too: a server that requires a client certificate over TLS 1.2
    // only (a team's own haproxy config with verify required and ssl-max-ver TLSv1.2) fails
    // this certificate-less handshake with handshake_failure, and is serving all the same.
    socket.once('error', (error: NodeJS.ErrnoException) => done(TLS_ALERT.test(error.code ?? '')));
  });
}
