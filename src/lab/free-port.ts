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
