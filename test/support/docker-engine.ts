import Docker from 'dockerode';
import { ENGINE_HINT, NODE_IMAGE, OWNER_PID_LABEL, RUN_ID_LABEL } from '../../src/lab/docker/index.js';

/**
 * The docker suite's precondition, checked in beforeAll: a reachable engine and the images. It
 * fails the suite (never skips it) with how to get what is missing.
 */
export async function requireDocker(): Promise<Docker> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`the docker suite needs a Docker engine, and none answers (${(error as Error).message}): ${ENGINE_HINT}; .ci/run does all of this`);
  }
  try {
    await docker.getImage(NODE_IMAGE).inspect();
  } catch {
    throw new Error(`the docker suite needs the image ${NODE_IMAGE}: build the images offline with \`npm run containers:build\``);
  }
  return docker;
}

/** Containers and networks labelled with a run id, optionally only those a given harness pid owns. */
export async function countLabelled(docker: Docker, ownerPid?: number): Promise<{ containers: number; networks: number }> {
  const label = ownerPid === undefined ? [RUN_ID_LABEL] : [`${OWNER_PID_LABEL}=${ownerPid}`];
  const filters = JSON.stringify({ label });
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  return { containers: containers.length, networks: networks.length };
}

/** The run id of a run's report folder (<scenario>-<runId>). */
export function runIdOfDir(dir: string, scenario: string): string {
  const base = dir.slice(dir.lastIndexOf('/') + 1);
  return base.slice(scenario.length + 1);
}

/** Containers and networks the run `runId` left (none after any run that ended, however it ended). */
export async function leftoversOf(docker: Docker, runId: string): Promise<number> {
  const filters = JSON.stringify({ label: [`${RUN_ID_LABEL}=${runId}`] });
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  return containers.length + networks.length;
}
