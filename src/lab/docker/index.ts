export { DockerRuntime } from './docker-runtime.js';
export type { DockerRuntimeOptions } from './docker-runtime.js';
export { assertEngineReachable, assertImagePresent, dockerClient, ENGINE_HINT, NODE_IMAGE } from './docker-engine.js';
export { COMPONENT_LABEL, OWNER_PID_LABEL, RUN_ID_LABEL, runLabels } from './docker-labels.js';
export { sweepDeadDockerRuns } from './sweep-dead-docker-runs.js';
export type { DockerSweepReport } from './sweep-dead-docker-runs.js';
export { CHAIN_PREFIX, DockerNamespaceFaults, NET_TOOLS_IMAGE } from './namespace-faults.js';
export { namespaceRules, shellScript } from './namespace-rules.js';
export type { NamespaceRules, ResolvedTraffic } from './namespace-rules.js';
