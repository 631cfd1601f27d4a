import { request, type Agent } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { StartedGateway } from '../../src/lab/index.js';
import type { Credential } from '../../src/pki/index.js';

/** What a lab gateway answered, or the client-side error code when it did not. */
export interface GatewayAnswer {
  readonly status?: number;
  readonly reason?: string;
  readonly replica?: string;
  readonly body?: string;
  readonly error?: string;
}

/**
 * One attempt as the load generator makes it: new connection (unless `agent` keeps one), mTLS,
 * one GET, the server's answer decides. `onSocket` learns whether the TLS session was resumed.
 */
export function attempt(
  gateway: StartedGateway,
  client: Credential | undefined,
  agent: Agent | false = false,
  onSocket?: (resumed: boolean) => void,
): Promise<GatewayAnswer> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: gateway.host,
        port: gateway.port,
        servername: gateway.servername,
        ca: gateway.caPem,
        ...(client ? { cert: client.chainPem, key: client.keyPem } : {}),
        agent,
        path: '/',
        timeout: 10_000,
      },
      (res) => {
        onSocket?.((res.socket as TLSSocket).isSessionReused());
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            reason: res.headers['x-mtls-chaos-reason'] as string | undefined,
            replica: res.headers['x-mtls-chaos-replica'] as string | undefined,
            body,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}
