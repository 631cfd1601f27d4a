import type { ScenarioInput } from './scenario-schema.js';

/**
 * Types a scenario written in TypeScript: `export default defineScenario({...})`. It returns its
 * argument unchanged; validation happens when the file is loaded, exactly as for YAML, so both
 * forms give the same errors.
 */
export function defineScenario(input: ScenarioInput): ScenarioInput {
  return input;
}
