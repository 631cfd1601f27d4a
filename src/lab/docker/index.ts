export { DockerRuntime } from './docker-runtime.js';
export type { DockerRuntimeOptions } from './docker-runtime.js';
export { assertEngineReachable, assertImagePresent, dockerClient, ENGINE_HINT, NODE_IMAGE } from './docker-engine.js';
export { COMPONENT_LABEL, OWNER_PID_LABEL, RUN_ID_LABEL, runLabels } from './docker-labels.js';
export { sweepDeadDockerRuns } from './sweep-dead-docker-runs.js';
export type { DockerSweepReport } from './sweep-dead-docker-runs.js';
