import { connect } from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves once a TLS handshake with 127.0.0.1:port completes (without a client certificate and
 * without checking the server's: only "is someone answering TLS" is asked). For nginx this also
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

function handshakeOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}
