/**
 * Process entry of a run's watchdog (started by run-watchdog.ts, detached, in its own session):
 * it waits for the harness to be gone, then removes what dead runs left behind, as
 * `mtls-chaos cleanup` would. A harness killed with SIGKILL cannot clean up after itself; this
 * does it within about a second rather than at the next run. argv: <owner pid> <local|docker>.
 * On a clean stop the harness sends SIGTERM first and nothing is swept.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { dockerClient, sweepDeadDockerRuns } from '../docker/index.js';
import { processExists } from '../process-exists.js';
import { sweepDeadRuns } from '../sweep-dead-runs.js';

const POLL_MS = 250;
const ownerPid = Number(process.argv[2]);
const withDocker = process.argv[3] === 'docker';

process.on('SIGTERM', () => process.exit(0));

if (Number.isInteger(ownerPid) && ownerPid > 1) {
  while (processExists(ownerPid)) await delay(POLL_MS);
  // The sweeps only touch runs whose owner is gone: this one, and any other dead run's leftovers.
  await sweepDeadRuns().catch(() => undefined);
  if (withDocker) await sweepDeadDockerRuns(dockerClient()).catch(() => undefined);
}
process.exit(0);
