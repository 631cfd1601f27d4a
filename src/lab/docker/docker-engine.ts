import Docker from 'dockerode';
import { LabError } from '../lab-error.js';
import { ENGINE_HINT } from './engine-hint.js';

/** The image our Node components run in (containers/node/Dockerfile). */
export const NODE_IMAGE = 'mtls-chaos/node:latest';

export { ENGINE_HINT };

/** A client for the engine DOCKER_HOST names (the local socket by default), as dockerode reads it. */
export function dockerClient(): Docker {
  return new Docker();
}

/** Throws E_LAB_DOCKER with how to start an engine when none answers. */
export async function assertEngineReachable(docker: Docker): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new LabError('E_LAB_DOCKER', `the Docker engine is not reachable: ${(error as Error).message}`, { hint: ENGINE_HINT, cause: error });
  }
}

/** Throws E_LAB_DOCKER_IMAGE naming the command that builds a missing image (no registry to pull from). */
export async function assertImagePresent(docker: Docker, image: string): Promise<void> {
  try {
    await docker.getImage(image).inspect();
  } catch (error) {
    throw new LabError('E_LAB_DOCKER_IMAGE', `the image ${image} is missing`, {
      hint: 'build the images offline: `npm run containers:build` (containers/build-base.sh, then containers/build-images.sh)',
      cause: error,
    });
  }
}
