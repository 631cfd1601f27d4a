/** Scenarios: the schema, loading and validation of drill files, and their plan. */
export { BUILT_IN_SCENARIO_DIR, listScenarioFiles } from './built-in.js';
export { defineScenario } from './define-scenario.js';
export { REGENERATE_SCHEMA_COMMAND, scenarioJsonSchema, scenarioJsonSchemaText } from './json-schema.js';
export { loadScenario, validateScenario } from './load-scenario.js';
export { unsettledScenarioError } from './modules-loading.js';
export { describePlan, summarisePlan } from './plan.js';
export { MAX_SCENARIO_BYTES, SCENARIO_EXTENSIONS, readScenarioFile } from './read-scenario-file.js';
export { ScenarioError, formatFieldPath } from './scenario-error.js';
export type { ScenarioProblem } from './scenario-error.js';
export { GATEWAY_KINDS, OCSP_MODES, RUNTIMES, SCENARIO_LIMITS, scenarioSchema, scenarioSchemaFor } from './scenario-schema.js';
export type { Scenario, ScenarioInput } from './scenario-schema.js';
export { SLO_SCOPES } from './slo-field.js';
export type { ScenarioSlo } from './slo-field.js';
export { BUILTIN_RULES_FILE, observeRuntimeProblem } from './observe-field.js';
export type { ObserveSpec } from './observe-field.js';
