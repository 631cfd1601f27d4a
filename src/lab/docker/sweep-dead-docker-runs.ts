import type Docker from 'dockerode';
import { OWNER_PID_LABEL, RUN_ID_LABEL } from './docker-labels.js';
import { processExists } from '../process-exists.js';

export interface DockerSweepReport {
  /** Runs whose owner process was gone and whose containers or networks were removed. */
  readonly runs: number;
  readonly containers: number;
  readonly networks: number;
}

/**
 * Removes the containers and networks of runs whose harness process is gone (SIGKILL, a crashed
 * CI runner), found by the labels every run puts on them. A run whose owner still lives is left
 * alone, whoever started it.
 */
export async function sweepDeadDockerRuns(docker: Docker): Promise<DockerSweepReport> {
  const filters = JSON.stringify({ label: [RUN_ID_LABEL] });
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  const deadRuns = new Set<string>();
  const isDead = (labels: Record<string, string> | undefined): string | undefined => {
    const runId = labels?.[RUN_ID_LABEL];
    const pid = Number(labels?.[OWNER_PID_LABEL]);
    if (!runId) return undefined;
    return Number.isInteger(pid) && pid > 0 && processExists(pid) ? undefined : runId;
  };
  let removedContainers = 0;
  for (const info of containers) {
    const runId = isDead(info.Labels);
    if (!runId) continue;
    deadRuns.add(runId);
    try {
      await docker.getContainer(info.Id).remove({ force: true });
      removedContainers++;
    } catch {
      // removed meanwhile
    }
  }
  let removedNetworks = 0;
  for (const info of networks) {
    const runId = isDead(info.Labels);
    if (!runId) continue;
    deadRuns.add(runId);
    try {
      await docker.getNetwork(info.Id).remove();
      removedNetworks++;
    } catch {
      // removed meanwhile, or a container still attached
    }
  }
  return { runs: deadRuns.size, containers: removedContainers, networks: removedNetworks };
}
