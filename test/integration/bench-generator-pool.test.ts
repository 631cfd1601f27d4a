import { describe, expect, it, onTestFinished } from 'vitest';
import { GeneratorPool } from '../../src/bench/generator-pool.js';
import { buildLabPki } from '../../src/pki/index.js';

describe('the bench generator pool', () => {
  it('refuses a step that gives a worker less than one attempt, as a usage error naming the flags', async () => {
    const pki = await buildLabPki({ clients: 1 });
    // Nothing listens there and nothing is sent: the step is refused before any worker starts it.
    const pool = await GeneratorPool.start({ url: 'https://127.0.0.1:9/', identities: [], caPem: pki.root.certificate.pem }, 2);
    onTestFinished(() => pool.close());
    await expect(pool.runStep({ ratePerSecond: 5, warmupMs: 0, durationMs: 300, onAttempt: () => {} })).rejects.toMatchObject({
      code: 'E_BENCH_STEP',
      message: 'a step of 5/s for 0.3s gives each of the 2 generator workers less than one attempt',
      hint: expect.stringContaining('--workers 1'),
    });
  }, 60_000);
});
