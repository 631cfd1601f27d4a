import { z } from 'zod';
import { scenarioSchema } from './scenario-schema.js';

/**
 * The JSON Schema of what people write (z.toJSONSchema on the input side: durations and rates
 * are strings with patterns), for editors completing YAML through yaml-language-server. Draft 7
 * because that is the draft editors' YAML tooling supports best. Committed as
 * scenarios/scenario.schema.json; a unit test keeps the committed file equal to this.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
}

/** The schema as committed: two-space JSON with a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

/** How to regenerate the committed file, for messages and the drift test. */
export const REGENERATE_SCHEMA_COMMAND = 'npx tsx src/cli/main.ts schema --out scenarios/scenario.schema.json';
