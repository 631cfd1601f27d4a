import type { ImagePullPolicy } from 'testcontainers';

/**
 * How testcontainers is set up for the docker runtime, in one place. testcontainers reads its
 * settings from the environment lazily, on its first container start (the Ryuk switch in
 * `getReaper`, the host override when it first builds its engine client), so this must run before
 * that and nothing else of ours touches these variables.
 *
 * - Ryuk off: its image (testcontainers/ryuk) cannot be pulled on our machines, and a reaper that
 *   fails to start fails every container. Our own labels (mtls-chaos.run-id, mtls-chaos.pid), the
 *   run's teardown and the sweep of dead runs clean up instead.
 * - Host 127.0.0.1: run inside a container (/.dockerenv), testcontainers would look for the
 *   engine's gateway address, and failing that start an alpine:3.14 container (a pull) to read the
 *   default route. We publish ports on the host's 127.0.0.1 only, so that is the host to use.
 * - No image-name prefix: TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX would rewrite mtls-chaos/... into a
 *   registry's name, which is neither built here nor pullable.
 */
export function prepareTestcontainers(env: NodeJS.ProcessEnv = process.env): void {
  env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  env.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1';
  delete env.TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX;
}

/**
 * Never asks for a forced pull. testcontainers still pulls an image it cannot find (it offers no
 * "never" policy), so the runtime checks each image is present first (assertImagePresent) and
 * fails with how to build it: no start ever gets as far as a pull.
 */
export const NEVER_PULL: ImagePullPolicy = { shouldPull: () => false };
