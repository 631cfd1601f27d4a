import { z } from 'zod';
import { faultDefinitions } from '../faults/index.js';
import { scenarioSchema } from './scenario-schema.js';

type JsonSchema = Record<string, unknown>;

const TO_JSON_SCHEMA = { io: 'input', target: 'draft-7', unrepresentable: 'any' } as const;

/**
 * The JSON Schema of what people write (z.toJSONSchema on the input side: durations and rates
 * are strings with patterns), for editors completing YAML through yaml-language-server. Draft 7
 * because that is the draft editors' YAML tooling supports best. Committed as
 * scenarios/scenario.schema.json; a unit test keeps the committed file equal to this.
 */
export function scenarioJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(scenarioSchema, TO_JSON_SCHEMA) as JsonSchema;
  const faults = (schema['properties'] as Record<string, JsonSchema> | undefined)?.['faults'];
  const entry = faults?.['items'] as JsonSchema | undefined;
  if (entry) entry['allOf'] = faultKindSchemas();
  return schema;
}

/**
 * A fault entry's own options depend on its kind, which the scenario schema validates in a
 * transform (src/scenario/scenario-schema.ts) that a JSON Schema cannot see: one `if kind is X
 * then X's options` per registered kind, from the kind's own zod schema, so that editors
 * complete and check `mode`, `target`, `link`... with their descriptions.
 */
function faultKindSchemas(): JsonSchema[] {
  return faultDefinitions().map((definition) => {
    const { $schema: _draft, description, properties, required, ...rest } = z.toJSONSchema(definition.options, TO_JSON_SCHEMA) as JsonSchema;
    return {
      if: { properties: { kind: { const: definition.kind } }, required: ['kind'] },
      then: {
        ...rest,
        description: `${definition.kind}: ${definition.summary}${typeof description === 'string' ? `. ${description}` : ''}`,
        // at, for and kind sit beside the options (the timeline entry's own fields).
        properties: { at: true, for: true, kind: true, ...(properties as JsonSchema | undefined) },
        ...(Array.isArray(required) && required.length > 0 ? { required } : {}),
        additionalProperties: false,
      },
    };
  });
}

/** The schema as committed: two-space JSON with a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

/** How to regenerate the committed file, for messages and the drift test. */
export const REGENERATE_SCHEMA_COMMAND = 'npx tsx src/cli/main.ts schema --out scenarios/scenario.schema.json';
