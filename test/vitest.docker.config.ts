import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * test/docker: real containers. One file at a time, after the rest of the suite: every docker run
 * sweeps the leftovers of dead runs (a SIGKILL test must see its own leftovers first), and on a
 * 2-core machine two labs' containers starting while the other's load runs made both miss their
 * timeouts. Containers share Docker's one cgroup (cgroup v1, cgroupfs), so a busy host starves
 * them before it starves a local child process.
 */
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/docker/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
