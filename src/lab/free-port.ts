import { createServer } from 'node:net';

/**
 * A port that was free a moment ago on 127.0.0.1, for programs that cannot bind port 0 and tell
 * us the result (nginx). Another process can take it before the program binds, so callers retry
 * on "address in use".
 */
export function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A free port other than `port`, for a second listener beside a program's own (an own config's
 * echo upstream): pickFreePort closes what it found, so it could hand out `port` again.
 */
export async function pickFreePortOtherThan(port: number): Promise<number> {
  for (;;) {
    const candidate = await pickFreePort();
    if (candidate !== port) return candidate;
  }
}

/** How many free ports a program gets to bind before its failure to start is final. */
const PORT_ATTEMPTS = 3;

/**
 * Starts a program that cannot bind port 0 (nginx, haproxy) on a port picked free, and again on
 * another one when `lostThePort` finds in its log that something took the port in between.
 */
export async function startOnFreePort<T>(
  start: (port: number) => Promise<T>,
  options: { readonly signal: AbortSignal; readonly lostThePort: () => Promise<boolean> },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await pickFreePort();
    try {
      return await start(port);
    } catch (error) {
      if (attempt < PORT_ATTEMPTS && !options.signal.aborted && (await options.lostThePort())) continue;
      throw error;
    }
  }
}
