import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { pickFreePort, pickFreePortOtherThan, startOnFreePort } from '../../../src/lab/free-port.js';

describe('startOnFreePort', () => {
  it('tries another free port when the program lost the one it was given, three ports at most', async () => {
    const ports: number[] = [];
    const failing = startOnFreePort(
      async (port) => {
        ports.push(port);
        throw new Error('address in use');
      },
      { signal: new AbortController().signal, lostThePort: async () => true },
    );
    await expect(failing).rejects.toThrow('address in use');
    expect(ports).toHaveLength(3);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });

  it('returns what the program started on the first port that held, and gives up at once on any other failure or an abort', async () => {
    let calls = 0;
    const started = await startOnFreePort(
      async (port) => {
        calls += 1;
        if (calls === 1) throw new Error('lost the race');
        return { port };
      },
      { signal: new AbortController().signal, lostThePort: async () => true },
    );
    expect(calls).toBe(2);
    expect(started.port).toBeGreaterThan(0);

    let otherCalls = 0;
    const other = startOnFreePort(
      async () => {
        otherCalls += 1;
        throw new Error('bad config');
      },
      { signal: new AbortController().signal, lostThePort: async () => false },
    );
    await expect(other).rejects.toThrow('bad config');
    expect(otherCalls).toBe(1);

    const aborted = new AbortController();
    aborted.abort();
    let abortedCalls = 0;
    await expect(
      startOnFreePort(
        async () => {
          abortedCalls += 1;
          throw new Error('aborted');
        },
        { signal: aborted.signal, lostThePort: async () => true },
      ),
    ).rejects.toThrow('aborted');
    expect(abortedCalls).toBe(1);
  });
});

describe('pickFreePortOtherThan', () => {
  it('hands out a port that binds on 127.0.0.1 and is never the one it was told to avoid', async () => {
    // pickFreePort closes its probe, so the kernel may hand the just-freed port out again.
    let avoid = await pickFreePort();
    for (let round = 0; round < 20; round++) {
      const port = await pickFreePortOtherThan(avoid);
      expect(port).not.toBe(avoid);
      const server = createServer();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
      await new Promise((resolve) => server.close(resolve));
      avoid = port;
    }
  });
});
