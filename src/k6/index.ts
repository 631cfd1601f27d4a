/** Scale-out on k6: export a drill's load as a k6 script and k6-operator manifests, import k6's results. */
export { exportK6, MAX_PARALLELISM } from './export-k6.js';
export type { ExportK6Options, ExportK6Result } from './export-k6.js';
export { translateSlo } from './k6-thresholds.js';
export type { K6Threshold, ThresholdTranslation } from './k6-thresholds.js';
export { k6LoadPhases, k6Duration, rateUnit } from './k6-load-phases.js';
export type { K6LoadPhase } from './k6-load-phases.js';
export { renderK6Script, SCRIPT_ENV } from './k6-script.js';
export { k6Manifests, toYaml, RUNNER_PATHS } from './k6-manifests.js';
export type { K6Manifests } from './k6-manifests.js';
export { writeK6Credentials } from './k6-credentials.js';
export type { K6CredentialFiles } from './k6-credentials.js';
