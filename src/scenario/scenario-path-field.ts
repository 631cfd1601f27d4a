import { isAbsolute, normalize } from 'node:path';
import { z } from 'zod';
import { expectedGot } from './field-types.js';

/**
 * A file a scenario names (a gateway config, a CA bundle, an issuer's key): relative to the
 * scenario's folder and inside it. The tool reads these files and programs it runs quote them in
 * their errors, so a scenario from elsewhere must not point it at /etc/shadow. Resolved against
 * the scenario's folder when the scenario is loaded (scenario/load-scenario.ts).
 */
export function scenarioPathField(example: string) {
  return z
    .string({ error: (issue) => expectedGot(`the path of ${example}`, issue.input) })
    .min(1, { error: () => `expected the path of ${example}, got an empty string` })
    .refine((path) => !isAbsolute(path) && !normalize(path).split(/[\\/]/).includes('..'), {
      error: (issue) => expectedGot('a path inside the scenario\'s folder (copy or link the file beside the scenario)', issue.input),
    });
}
