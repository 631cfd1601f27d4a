import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { faultKinds } from '../../../src/faults/index.js';
import { BUILT_IN_SCENARIO_DIR, REGENERATE_SCHEMA_COMMAND, listScenarioFiles, scenarioJsonSchema, scenarioJsonSchemaText } from '../../../src/scenario/index.js';

const COMMITTED = join(BUILT_IN_SCENARIO_DIR, 'scenario.schema.json');

describe('the scenario JSON Schema', () => {
  it('committed scenarios/scenario.schema.json equals the schema generated from the zod schema', async () => {
    const committed = await readFile(COMMITTED, 'utf8');
    // On failure the message says how to regenerate the file.
    expect(committed === scenarioJsonSchemaText(), `scenarios/scenario.schema.json is out of date; regenerate it with: ${REGENERATE_SCHEMA_COMMAND}`).toBe(true);
  });

  it('shows editors durations and rates as strings with patterns, defaults and descriptions', () => {
    const schema = scenarioJsonSchema() as any;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'description', 'lab', 'load']);
    const load = schema.properties.load;
    expect(load.properties.rate).toMatchObject({ type: 'string', pattern: expect.any(String), description: expect.stringMatching(/12000\/m/) });
    expect(new RegExp(load.properties.rate.pattern).test('200/s')).toBe(true);
    expect(new RegExp(load.properties.rate.pattern).test('fast')).toBe(false);
    expect(load.properties.duration).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(new RegExp(load.properties.duration.pattern).test('1h30m')).toBe(true);
    expect(load.properties.timeout.default).toBe('5s');
    expect(schema.properties.lab.properties.gateway.properties.kind.enum).toEqual(['node', 'nginx', 'haproxy', 'external']);
    expect(schema.properties.slos.items.anyOf).toHaveLength(2);
  });

  it('documents each fault kind\'s own options, and an editor checking against it accepts every built-in drill\'s faults and flags a typo', async () => {
    const schema = scenarioJsonSchema() as any;
    const entry = schema.properties.faults.items;
    expect(entry.allOf.map((branch: any) => branch.if.properties.kind.const).sort()).toEqual(faultKinds());
    const outage = entry.allOf.find((branch: any) => branch.if.properties.kind.const === 'ocsp-outage').then;
    expect(outage.properties.mode).toMatchObject({ enum: expect.arrayContaining(['down', 'blackhole']), description: expect.stringMatching(/connection refused/) });

    const validate = new Ajv({ strict: false, allErrors: true }).compile(entry);
    const entries: unknown[] = [];
    for (const file of (await listScenarioFiles(BUILT_IN_SCENARIO_DIR)).filter((name) => name.endsWith('.ts'))) {
      const drill = (await import(file)).default as { faults?: unknown[] };
      entries.push(...(drill.faults ?? []));
    }
    expect(entries.length).toBeGreaterThan(40);
    for (const fault of entries) expect(validate(fault), JSON.stringify({ fault, errors: validate.errors })).toBe(true);
    // A misspelt option, and an option of another kind, are what an editor now underlines.
    expect(validate({ at: '6s', for: '6s', kind: 'ocsp-outage', mdoe: 'down' })).toBe(false);
    expect(validate({ at: '6s', kind: 'gateway-pause', link: 'gateway-ocsp' })).toBe(false);
    expect(validate({ at: '6s', kind: 'ocsp-outage', mode: 'sideways' })).toBe(false);
  });
});

