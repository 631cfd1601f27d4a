import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // Integration tests start real servers and real openssl processes; on 2 cores a
    // handshake under load can take a while, so give them room instead of flaking.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two files at a time on our 2-core machines: the drills mostly wait on timers (faults at
    // fixed seconds), so a second worker halves the suite's time. Their SLOs are written to hold
    // on a busy machine (rates and categories rather than tight latencies).
    maxWorkers: 2,
  },
});
